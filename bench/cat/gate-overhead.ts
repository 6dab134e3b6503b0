// What do the gates cost? (issue 7; not a test.) Times ResNet-20 training steps (batch 128,
// channels-last, SGD) without gates and with CAT's gates drawn, applied and updated, but with nothing
// removed: all gates, unit gates only, layer gates only. Interleaved rounds, as in pruned-step.ts;
// the report is each variant's median step time over the plain step's.
//   node dist/bench/cat/gate-overhead.js [--rounds 5] [--steps 4] [--json]
import * as E from '../../src/engine/index.js';
import { CatController, DEFAULT_CAT } from '../../src/cat/index.js';
import { createModel } from '../../src/models/index.js';
import { DEFAULT_CONFIG } from '../../src/train/config.js';
import { makeOptimizer } from '../../src/train/setup.js';
import { medianStepMs, numberFlag } from './interleave.js';

const rounds = numberFlag('--rounds', 5);
const steps = numberFlag('--steps', 4);
const shape = [3, 32, 32];

type Gating = 'none' | 'all' | 'units' | 'layers';
interface Variant {
  name: string;
  step: () => void;
}

E.manualSeed(0);
const x = E.keep(E.randn([128, ...shape]).contiguous('channels_last'));
const y = E.keep(E.randint(0, 10, [128]));
const variants: Variant[] = (['none', 'all', 'units', 'layers'] as Gating[]).map((gating) => {
  const model = createModel('resnet20').toMemoryFormat('channels_last');
  const optimizer = makeOptimizer({ ...DEFAULT_CONFIG, model: 'resnet20', data: 'cifar10' }, model);
  // A tiny strength and an epoch longer than the bench: the gates move every step, nothing is removed.
  const cat =
    gating === 'none'
      ? null
      : new CatController(
          model,
          shape,
          { ...DEFAULT_CAT, strength: 1e-6, gateWarmupEpochs: 0, unitsOnly: gating === 'units', layersOnly: gating === 'layers' },
          { stepsPerEpoch: 1e6, totalSteps: 1e7 },
          'cpu',
        );
  model.train();
  let index = 0;
  const step = (): void =>
    E.scope(() => {
      cat?.beginStep(index, 128, optimizer);
      E.crossEntropy(model.call(x), y).backward();
      optimizer.step(0.01);
      cat?.endStep(index, optimizer);
      index++;
    });
  return { name: gating === 'none' ? 'no gates' : `${gating} gates`, step };
});
const ms = medianStepMs(variants, rounds, steps);
const rows = variants.map((v, i) => ({ variant: v.name, ms_step: ms[i] as number, time_ratio: (ms[i] as number) / (ms[0] as number) }));
if (process.argv.includes('--json')) console.log(JSON.stringify(rows));
else for (const r of rows) console.log(`${r.variant.padEnd(14)} ${r.ms_step.toFixed(1).padStart(7)} ms/step  time x${r.time_ratio.toFixed(2)}`);
