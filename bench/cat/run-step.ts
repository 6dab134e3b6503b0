// Training-step speed of a finished run's pruned network against its dense model (not a test): the
// median time of an SGD step at batch 128 on CPU, channels-last, both networks timed in interleaved
// rounds in one process. Shows how much of a MACs saving a real pruned network turns into time.
//   node dist/bench/cat/run-step.js RUN_DIR [--rounds 5] [--steps 4] [--json]
import * as E from '../../src/engine/index.js';
import { countComplexity, createModel } from '../../src/models/index.js';
import type { Module } from '../../src/nn/index.js';
import { loadRunNetwork } from '../../src/train/load-run.js';
import { makeOptimizer } from '../../src/train/setup.js';
import { medianStepMs, numberFlag } from './interleave.js';

const dir = process.argv[2];
if (dir === undefined || dir.startsWith('--')) throw new Error('usage: node dist/bench/cat/run-step.js RUN_DIR [--rounds N] [--steps N] [--json]');
const rounds = numberFlag('--rounds', 5);
const steps = numberFlag('--steps', 4);
const { model: pruned, architecture, config } = loadRunNetwork(dir, { device: 'cpu' });
if (architecture === undefined) throw new Error(`${dir} is not a finished run`);
const dense = createModel(architecture.model, { numClasses: architecture.num_classes, inChannels: architecture.in_channels });
if (config.channelsLast) dense.toMemoryFormat('channels_last');
const shape = architecture.input_shape;
E.manualSeed(0);
const x = E.keep(E.randn([128, ...shape]).contiguous(config.channelsLast && shape.length === 3 ? 'channels_last' : 'contiguous'));
const y = E.keep(E.randint(0, architecture.num_classes, [128]));
const stepper = (model: Module): (() => void) => {
  const optimizer = makeOptimizer(config, model);
  model.train();
  return () =>
    E.scope(() => {
      E.crossEntropy(model.call(x), y).backward();
      optimizer.step(0.01);
    });
};
const [denseMs, prunedMs] = medianStepMs([{ step: stepper(dense) }, { step: stepper(pruned) }], rounds, steps) as [number, number];
const macsRatio = countComplexity(pruned, shape).macs / countComplexity(dense, shape).macs;
const row = { dense_ms: denseMs, pruned_ms: prunedMs, time_ratio: prunedMs / denseMs, macs_ratio: macsRatio };
if (process.argv.includes('--json')) console.log(JSON.stringify(row));
else console.log(`train step, batch 128: dense ${denseMs.toFixed(1)} ms, pruned ${prunedMs.toFixed(1)} ms, time x${row.time_ratio.toFixed(2)} (MACs x${macsRatio.toFixed(2)})`);
