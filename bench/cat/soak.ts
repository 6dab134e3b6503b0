// Memory soak (not a test): a long CAT run with surgeries all along, sampling the live tensor count
// and the process RSS every 500 steps. Pass: the live count after the last surgery is flat, and RSS
// grows less than 5% between the end of warm-up (the first sample after 1,000 steps) and the end.
//   node dist/bench/cat/soak.js [--steps 10000] [--out DIR] [--json]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as E from '../../src/engine/index.js';
import { DEFAULT_CAT } from '../../src/cat/index.js';
import { DEFAULT_CONFIG } from '../../src/train/config.js';
import { trainRun } from '../../src/train/run.js';

const at = process.argv.indexOf('--steps');
const steps = at >= 0 ? Number(process.argv[at + 1]) : 10_000;
const batchSize = 64;
const perEpoch = Math.ceil(60_000 / batchSize);
const epochs = Math.ceil(steps / perEpoch);
const out = mkdtempSync(path.join(tmpdir(), 'catrain-soak-'));
interface Sample {
  step: number;
  tensors: number;
  rss_mb: number;
  /** The JS heap in use and V8's external memory (native bytes reported to it), to tell a JS leak from native growth. */
  heap_used_mb: number;
  external_mb: number;
  native_tensor_mb: number;
  pruned_events: number;
}
const samples: Sample[] = [];
const mb = (bytes: number): number => Number((bytes / 2 ** 20).toFixed(2));
try {
  await trainRun(
    {
      ...DEFAULT_CONFIG,
      model: 'lenet300',
      data: 'mnist',
      epochs,
      batchSize,
      lr: 0.05,
      augment: false,
      channelsLast: false,
      workers: 0,
      // Removal all the way to 80% of training, so surgeries keep happening through the soak.
      cat: { ...DEFAULT_CAT, targetParams: 0.1, pruneBy: 0.7, settleFraction: 0.1, gateWarmupEpochs: 0.2 },
    },
    path.join(out, 'run'),
    {
      progress: false,
      onTrainer: (trainer) => {
        trainer.callbacks.push({
          onBatchEnd: (run) => {
            if (run.step % 500 !== 0) return;
            globalThis.gc?.();
            const history = (trainer as unknown as { cat?: { state(): { history: unknown[] } } }).cat?.state().history.length ?? 0;
            const usage = process.memoryUsage();
            const engine = E.memory();
            samples.push({ step: run.step, tensors: engine.tensors, rss_mb: mb(usage.rss), heap_used_mb: mb(usage.heapUsed), external_mb: mb(usage.external), native_tensor_mb: mb(engine.bytes), pruned_events: history });
          },
        });
      },
    },
  );
} finally {
  rmSync(out, { recursive: true, force: true });
}
const warm = samples.find((s) => s.step >= 1000) ?? samples[0];
const last = samples.at(-1);
const report = {
  steps: last?.step ?? 0,
  rss_growth_after_warmup: warm === undefined || last === undefined ? null : (last.rss_mb - warm.rss_mb) / warm.rss_mb,
  tensors_at_warmup: warm?.tensors,
  tensors_at_end: last?.tensors,
  samples,
};
if (process.argv.includes('--json')) console.log(JSON.stringify(report));
else {
  for (const s of samples) {
    console.log(`step ${String(s.step).padStart(6)}: ${String(s.tensors).padStart(5)} live tensors (${s.native_tensor_mb} MiB), RSS ${s.rss_mb} MiB, JS heap ${s.heap_used_mb} MiB, external ${s.external_mb} MiB, ${s.pruned_events} pruning events so far`);
  }
  console.log(`RSS growth after warm-up: ${(100 * (report.rss_growth_after_warmup ?? Number.NaN)).toFixed(2)}%`);
}
