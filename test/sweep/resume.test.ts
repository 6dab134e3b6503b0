// An interrupted sweep continues where it stopped: the recorded point is not trained again, the
// interrupted one resumes from its run's checkpoint, and sweep.json ends with every point.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readSweep, runSweep, SweepError, SweepFileError, type SweepOptions, type SweepSetting } from '../../src/sweep/index.js';
import { catConfig, fastCat } from '../helpers/run-config.js';
import { syntheticDataset } from '../helpers/synthetic.js';

const datasets = { train: syntheticDataset(128, 1), test: syntheticDataset(64, 2) };
const settings: SweepSetting[] = [
  { kind: 'target-macs', value: 0.5 },
  { kind: 'strength', value: 2 },
];

function options(out: string, extra: Partial<SweepOptions> = {}): SweepOptions {
  return {
    out,
    settings,
    subset: 0.5,
    fullEpochs: 10,
    trainArgs: ['--seed', '3'],
    configFor: (s) =>
      catConfig({
        epochs: 2,
        seed: 3,
        // Two epochs with a one-epoch gate warm-up: --prune-by must come after it.
        cat: s.kind === 'strength' ? { ...fastCat, strength: s.value, pruneBy: 0.75 } : { ...fastCat, targetMacs: s.value, flopsShare: 1, pruneBy: 0.75 },
      }),
    datasets,
    progress: false,
    latency: { warmup: 1, repeats: 3 },
    ...extra,
  };
}

test('a sweep stopped during its second point continues without retraining the first', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'catrain-sweep-resume-'));
  try {
    const out = path.join(root, 'sweep');
    const first = await runSweep(
      options(out, {
        onTrainer: (trainer) => {
          trainer.callbacks.push({
            onBatchEnd: (run) => {
              // Stop the second point after three steps; the first runs to the end.
              if (existsSync(path.join(out, 'macs-0.5', 'summary.json')) && run.step >= 3) run.stopTraining = true;
            },
          });
        },
      }),
    );
    assert.equal(first.completed, false);
    const partial = readSweep(out);
    assert.deepEqual(partial.points.map((p) => p.name), ['macs-0.5']);
    assert.ok(existsSync(path.join(out, 'strength-2', 'checkpoint.safetensors')), 'the stopped point left a checkpoint');
    assert.ok(!existsSync(path.join(out, 'strength-2', 'summary.json')));
    const firstModel = path.join(out, 'macs-0.5', 'model.safetensors');
    const modelTime = statSync(firstModel).mtimeMs;
    const modelBytes = readFileSync(firstModel);

    const actions: string[] = [];
    const second = await runSweep(options(out, { onStart: (name, action) => actions.push(`${name}:${action}`) }));
    assert.equal(second.completed, true);
    assert.deepEqual(actions, ['macs-0.5:skip', 'strength-2:resume']);
    assert.equal(statSync(firstModel).mtimeMs, modelTime, 'the finished point was not trained again');
    assert.deepEqual(readFileSync(firstModel), modelBytes);
    const sweep = readSweep(out);
    assert.deepEqual(sweep.points.map((p) => p.name), ['macs-0.5', 'strength-2']);
    assert.deepEqual(sweep.points[0], partial.points[0], 'the recorded point is kept as it was');
    const log = readFileSync(path.join(out, 'strength-2', 'log.jsonl'), 'utf8').trim().split('\n');
    assert.equal(log.length, 2, 'the resumed point logged each of its 2 epochs once');
    for (const p of sweep.points) {
      assert.ok(p.latency_ms.batch1 > 0 && p.latency_ms.batch64 > 0, `${p.name} latency measured`);
      assert.ok(p.macs > 0 && p.macs <= sweep.dense.macs && p.train_seconds > 0);
      assert.match(p.command, /--epochs 10 .*--seed 3 --out /);
      assert.doesNotMatch(p.command, /subset/);
    }
    assert.ok(sweep.pareto.length >= 1 && sweep.pareto.every((name) => sweep.points.some((p) => p.name === name)));
    assert.equal(sweep.subset, 0.5);
    // The pilots trained on half the training set.
    assert.equal(JSON.parse(readFileSync(path.join(out, 'strength-2', 'config.json'), 'utf8')).trainSubset, 64);

    const actionsAgain: string[] = [];
    await runSweep(options(out, { onStart: (name, action) => actionsAgain.push(action) }));
    assert.deepEqual(actionsAgain, ['skip', 'skip'], 'a finished sweep run again trains nothing');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a sweep refuses a directory of something else, a sweep of other settings, and a corrupt sweep.json', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'catrain-sweep-refuse-'));
  try {
    const other = path.join(root, 'other');
    mkdirSync(other);
    writeFileSync(path.join(other, 'notes.txt'), 'mine');
    await assert.rejects(runSweep(options(other)), (e: unknown) => e instanceof SweepError && /holds no sweep.json/.test(e.message));
    assert.equal(readFileSync(path.join(other, 'notes.txt'), 'utf8'), 'mine');

    const sweep = path.join(root, 'sweep');
    mkdirSync(sweep);
    writeFileSync(path.join(sweep, 'sweep.json'), '{"format": 1, "points": [');
    await assert.rejects(runSweep(options(sweep)), (e: unknown) => e instanceof SweepFileError && /not valid JSON/.test(e.message));
    assert.throws(() => readSweep(path.join(root, 'absent')), /does not exist/);

    // A well-formed sweep made with another subset and seed is not continued with these settings.
    const made = { format: 1, model: 'lenet300', data: 'mnist', subset: 0.25, epochs: 2, full_epochs: 10, dense: { macs: 1, params: 1 }, settings, train_args: [], points: [], pareto: [], fronts: { macs: [], latency: [], train_seconds: [] }, latency_threads: 1 };
    writeFileSync(path.join(sweep, 'sweep.json'), JSON.stringify(made));
    await assert.rejects(runSweep(options(sweep)), (e: unknown) => e instanceof SweepError && /other settings: subset 0.5 \(the sweep has 0.25\); train options --seed 3 \(the sweep has \(none\)\)/.test(e.message));
    assert.deepEqual(JSON.parse(readFileSync(path.join(sweep, 'sweep.json'), 'utf8')), made, 'the refused sweep is left as it was');

    await assert.rejects(runSweep(options(path.join(root, 'x'), { settings: [] })), /at least one setting/);
    await assert.rejects(runSweep(options(path.join(root, 'x'), { subset: 0 })), /fraction in \(0, 1\]/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
