// A sensor log read with --label-column and --test-fraction, end to end: the run records the settings
// and splits them as the loader does with them (not with its defaults), eval reloads the data with
// the run's settings, a resume refuses a flag that contradicts them, and a sequence run written
// before these settings existed still resumes and evaluates.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { loadSensorCsv } from '../../src/data/series/index.js';
import type { TrainConfig } from '../../src/train/config.js';
import type { RunData } from '../../src/train/run-data.js';
import { trainRun } from '../../src/train/run.js';
import { catrain } from '../helpers/cli.js';
import { catConfig } from '../helpers/run-config.js';
import { writeSensorCsv } from '../helpers/series-data.js';

const root = mkdtempSync(path.join(tmpdir(), 'catrain-csv-options-'));
after(() => rmSync(root, { recursive: true, force: true }));

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

describe('a sensor log with its own label column and test fraction', () => {
  const file = path.join(root, 'pump.csv');
  const data = writeSensorCsv(file, { labelColumn: 'state' });
  const run = path.join(root, 'run');

  test('trains through the CLI, splitting the log as the loader does with these settings', () => {
    const r = catrain('train', '--model', 'lenet1d', '--data', data, '--label-column', 'state', '--test-fraction', '0.3', '--window', '32', '--epochs', '1', '--batch-size', '16', '--dense', '--out', run, '--quiet');
    assert.equal(r.status, 0, r.stderr);
    const config = readJson<TrainConfig>(path.join(run, 'config.json'));
    assert.deepEqual([config.labelColumn, config.testFraction, config.window, config.stride], ['state', 0.3, 32, null]);
    const expected = loadSensorCsv(file, { window: 32, labelColumn: 'state', testFraction: 0.3 });
    const record = readJson<RunData>(path.join(run, 'data.json'));
    assert.deepEqual([record.train_count, record.test_count], [expected.train.count, expected.test.count]);
    // The default fraction would split elsewhere, so the counts show the flag reached the loader.
    const byDefault = loadSensorCsv(file, { window: 32, labelColumn: 'state' });
    assert.notEqual(byDefault.test.count, expected.test.count);
  });

  test('eval reloads the test split with the run\'s label column and test fraction', () => {
    const r = catrain('eval', '--run', run, '--json');
    assert.equal(r.status, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { count: number }).count, readJson<RunData>(path.join(run, 'data.json')).test_count);
  });

  test('a resume with another label column or test fraction is refused, naming the saved setting', () => {
    const before = readFileSync(path.join(run, 'checkpoint.safetensors'));
    const cases: [string[], string][] = [
      [['--test-fraction', '0.2'], '--test-fraction 0.2 (the run has 0.3)'],
      [['--label-column', 'label'], '--label-column "label" (the run has "state")'],
    ];
    for (const [flags, conflict] of cases) {
      const r = catrain('train', '--resume', '--out', run, ...flags, '--quiet');
      assert.equal(r.status, 2, r.stderr);
      assert.ok(r.stderr.includes(conflict), r.stderr);
    }
    assert.deepEqual(readFileSync(path.join(run, 'checkpoint.safetensors')), before, 'the refused resumes leave the checkpoint alone');
  });
});

test('a sequence run written before --label-column and --test-fraction existed resumes and evaluates with the defaults', async () => {
  const file = path.join(root, 'old.csv');
  const data = writeSensorCsv(file);
  const run = path.join(root, 'old-run');
  const config = catConfig({ model: 'lenet1d', data, window: 32, epochs: 2, batchSize: 16, cat: null });
  const stopped = await trainRun(config, run, {
    progress: false,
    onTrainer: (trainer) => {
      trainer.callbacks.push({
        onBatchEnd: (state) => {
          if (state.step === 2) state.stopTraining = true;
        },
      });
    },
  });
  assert.equal(stopped.completed, false);
  // config.json as catrain wrote it before these fields.
  const { labelColumn: _l, testFraction: _t, ...older } = readJson<TrainConfig>(path.join(run, 'config.json'));
  writeFileSync(path.join(run, 'config.json'), JSON.stringify(older, null, 2));

  const resumed = catrain('train', '--resume', '--out', run, '--quiet');
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.equal(readFileSync(path.join(run, 'log.jsonl'), 'utf8').trim().split('\n').length, 2);
  const evaluation = catrain('eval', '--run', run, '--json');
  assert.equal(evaluation.status, 0, evaluation.stderr);
  assert.equal((JSON.parse(evaluation.stdout) as { count: number }).count, loadSensorCsv(file, { window: 32 }).test.count);
});
