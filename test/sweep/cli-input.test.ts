// Bad input to sweep, recommend and report: a message naming the problem (and what to do) and a
// non-zero exit, before anything is trained or written. Run in-process through runCli to stay fast.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/program.js';

/** Runs the CLI in this process; returns the exit code and what it wrote to stderr. */
async function catrain(...args: string[]): Promise<{ status: number; stderr: string }> {
  const chunks: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array): boolean => {
    chunks.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    const status = await runCli(['node', 'catrain', ...args]);
    return { status, stderr: chunks.join('') };
  } finally {
    process.stderr.write = write;
  }
}

test('bad sweep, recommend and report arguments exit 2 with a message naming the problem', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'catrain-sweep-input-'));
  try {
    const out = path.join(root, 'never');
    const sweep = ['sweep', '--model', 'lenet300', '--data', 'mnist', '--out', out];
    const cases: [string[], RegExp][] = [
      [sweep, /say what to sweep: --targets, --param-targets or --strengths/],
      [[...sweep, '--targets', ','], /--targets needs a comma-separated list of a fraction in \(0, 1\], got an empty list/],
      [[...sweep, '--targets', '0.3,1.5'], /--targets: '1.5' is not a fraction in \(0, 1\]/],
      [[...sweep, '--targets', '0,0.5'], /--targets: '0' is not a fraction in \(0, 1\]/],
      [[...sweep, '--targets', '0.3,half'], /--targets: 'half' is not a fraction/],
      [[...sweep, '--strengths', '-1'], /--strengths: '-1' is not a number ≥ 0/],
      [[...sweep, '--targets', '0.5', '--strengths', '1'], /give one of --targets, --param-targets and --strengths, not several/],
      [[...sweep, '--targets', '0.5', '--subset', '0'], /--subset must be a number in \(0, 1\]/],
      [['sweep', '--model', 'lenet301', '--data', 'mnist', '--targets', '0.5', '--out', out], /unknown model 'lenet301'/],
      [['sweep', '--model', 'lenet300', '--data', 'imagenet', '--targets', '0.5', '--out', out], /unknown dataset 'imagenet'/],
      [['recommend', '--sweep', root], /no constraint given\n {2}pass one of --max-macs X, --max-latency-ms X, --min-acc X/],
      [['recommend', '--sweep', root, '--max-macs', '0.5', '--min-acc', '90'], /give exactly one constraint, not several/],
      [['recommend', '--sweep', root, '--max-macs', '-0.5'], /--max-macs must be a positive number, got '-0.5'/],
      [['recommend', '--sweep', root, '--max-latency-ms', 'fast'], /--max-latency-ms must be a positive number, got 'fast'/],
      [['recommend', '--sweep', root, '--min-acc', '101'], /--min-acc must be a positive number up to 100, got '101'/],
      [['report'], /pass exactly one of --run DIR and --sweep DIR/],
      [['report', '--run', root, '--sweep', root], /pass exactly one of --run DIR and --sweep DIR/],
    ];
    for (const [args, message] of cases) {
      const { status, stderr } = await catrain(...args);
      assert.equal(status, 2, `${args.join(' ')} exited ${status}: ${stderr}`);
      assert.match(stderr, message, args.join(' '));
    }
    assert.ok(!existsSync(out), 'no sweep directory was made');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('directories that are not what the command needs exit 1 with a message and leave them as they were', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'catrain-sweep-dirs-'));
  try {
    const plain = path.join(root, 'plain');
    mkdirSync(plain);
    writeFileSync(path.join(plain, 'notes.txt'), 'mine');
    const cases: [string[], RegExp][] = [
      [['recommend', '--sweep', plain, '--min-acc', '90'], /holds no sweep.json: it is not a sweep directory\n {2}pass the --out directory of a catrain sweep/],
      [['recommend', '--sweep', path.join(root, 'absent'), '--min-acc', '90'], /sweep directory .*absent does not exist/],
      [['report', '--sweep', plain], /holds no sweep.json/],
      [['report', '--run', path.join(root, 'absent')], /absent does not exist\n {2}pass the --out directory of a catrain train run/],
      [['report', '--run', plain], /config.json is missing: .* is not a catrain run directory/],
      [['sweep', '--model', 'lenet300', '--data', 'mnist', '--targets', '0.5', '--out', plain, '--quiet'], /is not empty and holds no sweep.json/],
    ];
    for (const [args, message] of cases) {
      const { status, stderr } = await catrain(...args);
      assert.equal(status, 1, `${args.join(' ')} exited ${status}: ${stderr}`);
      assert.match(stderr, message, args.join(' '));
    }
    assert.deepEqual(readdirSync(plain), ['notes.txt']);
    writeFileSync(path.join(plain, 'sweep.json'), '{"format": 1');
    const corrupt = await catrain('recommend', '--sweep', plain, '--max-macs', '0.5');
    assert.equal(corrupt.status, 1);
    assert.match(corrupt.stderr, /sweep.json is not valid JSON/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
