// Training-step speed of a finished run's pruned network against its dense model (not a test): the
// median time of an SGD step at batch 128 on CPU, channels-last, both networks timed in interleaved
// rounds in one process. Shows how much of a MACs saving a real pruned network turns into time.
//   node dist/bench/cat/run-step.js RUN_DIR [--rounds 5] [--steps 4] [--json]
import * as E from '../../src/engine/index.js';
import { countComplexity, createModel } from '../../src/models/index.js';
import type { Module } from '../../src/nn/index.js';
import { loadRunNetwork } from '../../src/train/load-run.js';
import { makeOptimizer } from '../../src/train/setup.js';

const dir = process.argv[2];
if (dir === undefined || dir.startsWith('--')) throw new Error('usage: node dist/bench/cat/run-step.js RUN_DIR [--rounds N] [--steps N] [--json]');
const argValue = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const rounds = argValue('--rounds', 5);
const steps = argValue('--steps', 4);
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
const variants = [
  { name: 'dense', step: stepper(dense), times: [] as number[] },
  { name: 'pruned', step: stepper(pruned), times: [] as number[] },
];
for (const v of variants) for (let i = 0; i < 2; i++) v.step();
for (let r = 0; r < rounds; r++) {
  for (const v of variants) {
    const start = performance.now();
    for (let i = 0; i < steps; i++) v.step();
    v.times.push((performance.now() - start) / steps);
  }
}
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1] as number;
const [denseMs, prunedMs] = variants.map((v) => median(v.times)) as [number, number];
const macsRatio = countComplexity(pruned, shape).macs / countComplexity(dense, shape).macs;
const row = { dense_ms: denseMs, pruned_ms: prunedMs, time_ratio: prunedMs / denseMs, macs_ratio: macsRatio };
if (process.argv.includes('--json')) console.log(JSON.stringify(row));
else console.log(`train step, batch 128: dense ${denseMs.toFixed(1)} ms, pruned ${prunedMs.toFixed(1)} ms, time x${row.time_ratio.toFixed(2)} (MACs x${macsRatio.toFixed(2)})`);
