// The command line as a user meets it: help, JSON output, and bad input giving a clear message and
// the right exit code (2 for arguments, 1 for failures) without touching an existing run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { catrain, CLI as cli } from '../helpers/cli.js';



test('--help lists every command', () => {
  const { status, stdout } = catrain('--help');
  assert.equal(status, 0);
  for (const command of ['train', 'eval', 'info', 'bench']) assert.match(stdout, new RegExp(`\\b${command}\\b`));
  const train = catrain('train', '--help');
  assert.equal(train.status, 0);
  for (const option of ['--model', '--data', '--epochs', '--out', '--resume', '--lr', '--weight-decay', '--schedule', '--seed']) assert.ok(train.stdout.includes(option), option);
});

test('info --json prints params and MACs', () => {
  const { status, stdout } = catrain('info', '--model', 'resnet20', '--json');
  assert.equal(status, 0);
  const info = JSON.parse(stdout) as { params: number; macs: number };
  assert.equal(info.params, 272474);
  assert.ok(info.macs > 40e6 && info.macs < 42e6);
});

test('bad arguments exit 2 with a message naming the problem', () => {
  const cases: [string[], RegExp][] = [
    [['info', '--model', 'resnet21'], /unknown model 'resnet21'/],
    [['train', '--model', 'resnet20', '--data', 'cifar10:/x', '--out', '/tmp/x', '--epochs', '0'], /--epochs must be a positive integer/],
    [['train', '--model', 'resnet20', '--data', 'cifar10:/x', '--out', '/tmp/x', '--lr', 'fast'], /--lr must be a number/],
    [['train', '--model', 'resnet20', '--data', 'imagenet', '--out', '/tmp/x'], /unknown dataset 'imagenet'; valid forms: mnist/],
    [['train', '--model', 'resnet20', '--data', 'mnist', '--out', '/tmp/x', '--schedule', 'step'], /--milestones/],
    [['train', '--model', 'resnet20', '--data', 'mnist', '--out', '/tmp/x', '--device', 'tpu'], /unknown device 'tpu'/],
    [['bench', 'train', '--model', 'resnet20', '--steps', '0'], /--steps must be a positive integer/],
    [['frobnicate'], /unknown command/],
  ];
  for (const [args, message] of cases) {
    const { status, stderr } = catrain(...args);
    assert.equal(status, 2, `${args.join(' ')} exited ${status}: ${stderr}`);
    assert.match(stderr, message, args.join(' '));
  }
});

test('train refuses a directory that holds a run and leaves it untouched; eval needs a run', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'catrain-cli-'));
  try {
    const run = path.join(root, 'run');
    mkdirSync(run);
    // A run that trained (it has a checkpoint); one with only config.json never started and may be restarted.
    writeFileSync(path.join(run, 'config.json'), '{"model":"lenet300"}');
    writeFileSync(path.join(run, 'checkpoint.safetensors'), 'not read');
    const train = catrain('train', '--model', 'lenet300', '--data', 'mnist', '--out', run, '--epochs', '1');
    assert.equal(train.status, 1, train.stderr);
    assert.match(train.stderr, /already holds a run.*--resume/);
    assert.deepEqual(readdirSync(run).sort(), ['checkpoint.safetensors', 'config.json']);
    const evaluation = catrain('eval', '--run', path.join(root, 'missing'));
    assert.equal(evaluation.status, 1);
    assert.match(evaluation.stderr, /config\.json is missing/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a corrupt dataset file gives an error naming the file', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'catrain-cifar-'));
  try {
    for (const name of ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin']) {
      writeFileSync(path.join(root, name), new Uint8Array(3073 * 2 + 5));
    }
    const { status, stderr } = catrain('train', '--model', 'resnet20', '--data', `cifar10:${root}`, '--out', path.join(root, 'run'), '--epochs', '1');
    assert.equal(status, 1, stderr);
    assert.match(stderr, /data_batch_1\.bin/);
    assert.ok(!readdirSync(root).includes('run'), 'a failed start leaves no run directory behind');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('Ctrl-C writes a checkpoint and exits 130; --resume finishes the run', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'catrain-sigint-'));
  try {
    const run = path.join(root, 'run');
    const { spawn } = await import('node:child_process');
    const { existsSync } = await import('node:fs');
    // 8192 images in batches of 64: an epoch of 128 steps, long enough to be interrupted inside.
    const child = spawn(process.execPath, [cli, 'train', '--model', 'lenet300', '--data', 'mnist', '--train-subset', '8192', '--epochs', '3', '--batch-size', '64', '--workers', '0', '--no-channels-last', '--out', run, '--quiet'], {
      env: { ...process.env, CATRAIN_THREADS: '1' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Interrupt during the second epoch: log.jsonl appears when the first one ends.
    const deadline = Date.now() + 60_000;
    while (!existsSync(path.join(run, 'log.jsonl')) && Date.now() < deadline && child.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill('SIGINT');
    const status = await exited;
    assert.equal(status, 130, stderr);
    assert.match(stderr, /checkpoint written/);
    assert.ok(!readdirSync(run).includes('model.safetensors'), 'an interrupted run has no final model');
    const epochs = (): number[] => readFileSync(path.join(run, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { epoch: number }).epoch);
    assert.deepEqual(epochs(), [1], 'interrupted inside the second epoch: only the first is logged');
    const resumed = catrain('train', '--resume', '--out', run, '--quiet');
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.ok(readdirSync(run).includes('model.safetensors'));
    assert.deepEqual(epochs(), [1, 2, 3], 'the resumed run finishes the second epoch and the third');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
