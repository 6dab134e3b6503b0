// Run directories under failure: a run that failed before its first checkpoint can be started again;
// a stop on an epoch's last batch keeps that epoch's log line; a torn last log line (a kill
// mid-write) is skipped with a warning and trimmed on resume, while damage elsewhere is an error;
// temporary files left by a killed write are removed on resume.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RunDirectory, RunDirectoryError } from '../../src/train/run-dir.js';
import { trainRun } from '../../src/train/run.js';
import { catConfig } from '../helpers/run-config.js';
import { syntheticDataset } from '../helpers/synthetic.js';

const datasets = { train: syntheticDataset(128, 1), test: syntheticDataset(32, 2) };
const config = catConfig({ epochs: 2, cat: null });

async function withRoot(fn: (root: string) => Promise<void> | void): Promise<void> {
  const root = mkdtempSync(path.join(tmpdir(), 'catrain-rundir-'));
  try {
    await fn(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const epochs = (dir: string): number[] => new RunDirectory(dir).readLog().map((r) => Number(r.epoch));

test('a run that failed before its first checkpoint starts again with train and with --resume', () =>
  withRoot(async (root) => {
    for (const resume of [false, true]) {
      const dir = path.join(root, `unstarted-${resume}`);
      mkdirSync(dir);
      writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
      writeFileSync(path.join(dir, 'config.json.tmp-4242'), '{');
      assert.ok(new RunDirectory(dir).isUnstarted);
      const result = await trainRun(config, dir, { progress: false, datasets, resume });
      assert.equal(result.completed, true);
      assert.deepEqual(epochs(dir), [1, 2]);
      assert.ok(!readdirSync(dir).some((f) => f.includes('.tmp-')), 'no temporary file is left');
    }
    // A run that did train is not "unstarted": a fresh train into it is still refused.
    await assert.rejects(trainRun(config, path.join(root, 'unstarted-false'), { progress: false, datasets }), /already holds a run: pass --resume/);
  }));

test("stopping on an epoch's last batch keeps that epoch's log line, and the resume logs each epoch once", () =>
  withRoot(async (root) => {
    const dir = path.join(root, 'run');
    const stopped = await trainRun(config, dir, {
      progress: false,
      datasets,
      onTrainer: (trainer) => {
        trainer.callbacks.push({
          onBatchEnd: (run) => {
            if (run.epoch === 0 && run.batchInEpoch === run.batchesPerEpoch) run.stopTraining = true;
          },
        });
      },
    });
    assert.equal(stopped.completed, false);
    assert.deepEqual(stopped.position, { epoch: 1, batchInEpoch: 0, step: 4 });
    assert.deepEqual(epochs(dir), [1]);
    writeFileSync(path.join(dir, 'checkpoint.safetensors.tmp-99-abcdef'), 'partial');
    // A kill after the log line of epoch 2 was half written.
    appendFileSync(path.join(dir, 'log.jsonl'), '{"epoch": 2, "train_lo');
    const resumed = await trainRun(config, dir, { progress: false, datasets, resume: true });
    assert.equal(resumed.completed, true);
    assert.deepEqual(epochs(dir), [1, 2]);
    assert.ok(!existsSync(path.join(dir, 'checkpoint.safetensors.tmp-99-abcdef')), 'the stale temporary file is removed');
  }));

test('a torn last log line is skipped with a warning; a damaged earlier line is an error', () =>
  withRoot(async (root) => {
    const run = new RunDirectory(root);
    writeFileSync(run.file('log'), '{"epoch":1}\n{"epoch":2}\n{"epo');
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      assert.deepEqual(run.readLog(), [{ epoch: 1 }, { epoch: 2 }]);
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(warnings.length, 1);
      assert.match(warnings[0] as string, /skipped a torn last line/);
    } finally {
      process.off('warning', onWarning);
    }
    run.trimLog(1);
    assert.deepEqual(run.readLog(), [{ epoch: 1 }]);
    writeFileSync(run.file('log'), '{"epoch":1}\n{"epo\n{"epoch":3}\n');
    assert.throws(() => run.readLog(), (e: Error) => e instanceof RunDirectoryError && /line 2 is not valid JSON/.test(e.message));
  }));
