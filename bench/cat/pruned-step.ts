// Does a pruned network train faster? (issue 7, item 4; not a test.) Times ResNet-20 training steps
// (batch 128, channels-last, SGD) for the dense network and for networks pruned by the same surgery
// CAT uses: internal widths 8/16/32 and 7/15/31 (about half the MACs; the second not a multiple of 8)
// and 4 of 9 blocks removed. Variants are timed in interleaved rounds so background load hits all of
// them alike; the report is each variant's median step time over the dense one's.
//   node dist/bench/cat/pruned-step.js [--rounds 5] [--steps 4] [--json]
import * as E from '../../src/engine/index.js';
import { applyEvents, buildStructureGraph, type PruneEvent } from '../../src/cat/index.js';
import { countComplexity, createModel } from '../../src/models/index.js';
import type { Module } from '../../src/nn/index.js';
import { DEFAULT_CONFIG } from '../../src/train/config.js';
import { makeOptimizer } from '../../src/train/setup.js';
import { medianStepMs, numberFlag } from './interleave.js';

const rounds = numberFlag('--rounds', 5);
const steps = numberFlag('--steps', 4);
const shape = [3, 32, 32];

function internalWidths(widths: readonly [number, number, number]): (graph: ReturnType<typeof buildStructureGraph>) => PruneEvent[] {
  return (graph) =>
    graph.groups
      .filter((g) => g.prunable)
      .map((g) => {
        const stage = Number(g.id.slice('layer'.length, 'layer'.length + 1)) - 1;
        return { step: 0, kind: 'units', group: g.id, keep: Array.from({ length: widths[stage] as number }, (_, i) => i) };
      });
}

const VARIANTS: Record<string, (graph: ReturnType<typeof buildStructureGraph>) => PruneEvent[]> = {
  dense: () => [],
  'widths 8/16/32': internalWidths([8, 16, 32]),
  'widths 7/15/31': internalWidths([7, 15, 31]),
  '4 of 9 blocks removed': () => ['layer1.1', 'layer2.1', 'layer3.1', 'layer3.2'].map((block) => ({ step: 0, kind: 'block', block })),
};

interface Variant {
  name: string;
  model: Module;
  step: () => void;
  macs: number;
}

E.manualSeed(0);
const x = E.keep(E.randn([128, ...shape]).contiguous('channels_last'));
const y = E.keep(E.randint(0, 10, [128]));
const variants: Variant[] = Object.entries(VARIANTS).map(([name, events]) => {
  const model = createModel('resnet20').toMemoryFormat('channels_last');
  E.noGrad(() => applyEvents(model, buildStructureGraph(model, shape), events(buildStructureGraph(model, shape))));
  const optimizer = makeOptimizer({ ...DEFAULT_CONFIG, model: 'resnet20', data: 'cifar10' }, model);
  model.train();
  const step = (): void =>
    E.scope(() => {
      E.crossEntropy(model.call(x), y).backward();
      optimizer.step(0.01);
    });
  return { name, model, step, macs: countComplexity(model, shape).macs };
});
const ms = medianStepMs(variants, rounds, steps);
const dense = variants[0] as Variant;
const rows = variants.map((v, i) => ({ variant: v.name, ms_step: ms[i] as number, time_ratio: (ms[i] as number) / (ms[0] as number), macs_ratio: v.macs / dense.macs }));
if (process.argv.includes('--json')) console.log(JSON.stringify(rows));
else for (const r of rows) console.log(`${r.variant.padEnd(24)} ${r.ms_step.toFixed(1).padStart(7)} ms/step  time x${r.time_ratio.toFixed(2)}  MACs x${r.macs_ratio.toFixed(2)}`);
