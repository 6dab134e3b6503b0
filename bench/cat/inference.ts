// Inference speed of a pruned network against its dense model (not a test): median forward time in
// eval mode under noGrad at batch 1 and 128, CPU, channels-last, both networks timed in interleaved
// rounds in one process. Prints the time ratio beside the MACs ratio.
//   node dist/bench/cat/inference.js RUN_DIR [--rounds 7] [--json]
import * as E from '../../src/engine/index.js';
import { countComplexity, createModel } from '../../src/models/index.js';
import { loadRunNetwork } from '../../src/train/load-run.js';

const dir = process.argv[2];
if (dir === undefined || dir.startsWith('--')) throw new Error('usage: node dist/bench/cat/inference.js RUN_DIR [--rounds N] [--json]');
const at = process.argv.indexOf('--rounds');
const rounds = at >= 0 ? Number(process.argv[at + 1]) : 7;
const { model: pruned, architecture } = loadRunNetwork(dir, { device: 'cpu' });
if (architecture === undefined) throw new Error(`${dir} is not a finished run`);
const dense = createModel(architecture.model, { numClasses: architecture.num_classes, inChannels: architecture.in_channels }).toMemoryFormat('channels_last');
const shape = architecture.input_shape;
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1] as number;
const rows = [1, 128].map((batch) => {
  const x = E.keep(E.randn([batch, ...shape]).contiguous(shape.length === 3 ? 'channels_last' : 'contiguous'));
  const times = { dense: [] as number[], pruned: [] as number[] };
  const perRound = batch === 1 ? 50 : 3;
  for (const m of [dense, pruned]) m.eval();
  for (let r = 0; r < rounds + 1; r++) {
    for (const [name, m] of [['dense', dense], ['pruned', pruned]] as const) {
      const start = performance.now();
      for (let i = 0; i < perRound; i++) E.noGrad(() => E.scope(() => void m.call(x)));
      if (r > 0) times[name].push((performance.now() - start) / perRound);
    }
  }
  x.dispose();
  return { batch, dense_ms: median(times.dense), pruned_ms: median(times.pruned), time_ratio: median(times.pruned) / median(times.dense) };
});
const macsRatio = countComplexity(pruned, shape).macs / countComplexity(dense, shape).macs;
if (process.argv.includes('--json')) console.log(JSON.stringify({ macs_ratio: macsRatio, rows }));
else for (const r of rows) console.log(`batch ${String(r.batch).padStart(3)}: dense ${r.dense_ms.toFixed(2)} ms, pruned ${r.pruned_ms.toFixed(2)} ms, time x${r.time_ratio.toFixed(2)} (MACs x${macsRatio.toFixed(2)})`);
