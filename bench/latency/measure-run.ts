// The latency of a finished run's saved network and of its dense model on a runtime (not a test):
// timed as the end-of-run check of a latency budget times it (at least 30 samples over a second),
// dense and pruned alternating over several rounds so background load hits both alike.
//   node dist/bench/latency/measure-run.js RUN_DIR [--runtime onnxruntime|libtorch] [--batch 1] [--threads N] [--rounds 3] [--json]
import * as E from '../../src/engine/index.js';
import { latencyRunner, median, NETWORK_EFFORT } from '../../src/latency/index.js';
import { countComplexity, createModel } from '../../src/models/index.js';
import { loadRunNetwork } from '../../src/train/load-run.js';
import { LATENCY_RUNS } from '../../src/train/index.js';
import type { LatencyRuntime } from '../../src/cat/index.js';

const dir = process.argv[2];
if (dir === undefined || dir.startsWith('--')) throw new Error('usage: node dist/bench/latency/measure-run.js RUN_DIR [--runtime R] [--batch B] [--threads N] [--rounds N] [--json]');
const flag = (name: string, fallback: string): string => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? (process.argv[at + 1] as string) : fallback;
};
const runtime = flag('--runtime', 'onnxruntime') as LatencyRuntime;
const batch = Number(flag('--batch', '1'));
const rounds = Number(flag('--rounds', '3'));
E.setNumThreads(Number(flag('--threads', String(E.getNumThreads()))));
const { model: pruned, architecture } = loadRunNetwork(dir, { device: 'cpu' });
if (architecture === undefined) throw new Error(`${dir} is not a finished run`);
E.manualSeed(0);
const dense = createModel(architecture.model, { numClasses: architecture.num_classes, inChannels: architecture.in_channels });
const shape = architecture.input_shape;
const runner = await latencyRunner(runtime);
const times = { dense: [] as number[], pruned: [] as number[] };
for (let r = 0; r < rounds; r++) {
  times.dense.push(await runner.time(dense, shape, batch, { ...NETWORK_EFFORT, minRuns: LATENCY_RUNS }));
  times.pruned.push(await runner.time(pruned, shape, batch, { ...NETWORK_EFFORT, minRuns: LATENCY_RUNS }));
}
const macs = countComplexity(pruned, shape).macs / countComplexity(dense, shape).macs;
const result = { run: dir, runtime, batch, threads: E.getNumThreads(), dense_ms: median(times.dense), pruned_ms: median(times.pruned), time_ratio: median(times.pruned) / median(times.dense), macs_ratio: macs };
if (process.argv.includes('--json')) console.log(JSON.stringify(result));
else console.log(`${dir} on ${runtime}, batch ${batch}, ${result.threads} threads: dense ${result.dense_ms.toFixed(3)} ms, pruned ${result.pruned_ms.toFixed(3)} ms = ${result.time_ratio.toFixed(3)}x at ${(100 * macs).toFixed(1)}% of the MACs`);
runner.close();
dense.dispose();
pruned.dispose();
