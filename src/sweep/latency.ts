// CPU inference latency of a run's (pruned) network: eval mode, no gradients, a few warm-up passes,
// then the median of timed repeats per batch size. Medians, because the machine may be shared.
import * as E from '../engine/index.js';
import { median } from '../latency/index.js';
import { loadRunNetwork } from '../train/index.js';

export interface LatencyOptions {
  /** Batch sizes to time (default [1, 64]). */
  batchSizes?: readonly number[];
  warmup?: number;
  repeats?: number;
}

export const DEFAULT_LATENCY = { batchSizes: [1, 64], warmup: 3, repeats: 15 } as const;

export { median };

/** Median milliseconds of one forward pass per batch size, keyed by batch size, on the CPU. */
export function measureLatency(runDir: string, options: LatencyOptions = {}): Map<number, number> {
  const batchSizes = options.batchSizes ?? DEFAULT_LATENCY.batchSizes;
  const warmup = options.warmup ?? DEFAULT_LATENCY.warmup;
  const repeats = options.repeats ?? DEFAULT_LATENCY.repeats;
  if (repeats < 1) throw new RangeError(`measureLatency: repeats must be at least 1, got ${repeats}`);
  const { model, architecture, channelsLast } = loadRunNetwork(runDir, { device: 'cpu' });
  const result = new Map<number, number>();
  try {
    if (architecture === undefined) throw new Error(`${runDir} is unfinished: latency is measured on a finished run's network`);
    model.eval();
    E.noGrad(() => {
      for (const batch of batchSizes) {
        E.scope(() => {
          const raw = E.randn([batch, ...architecture.input_shape]);
          // A sequence network reads [N, C, L], which has no channels-last order.
          const input = channelsLast ? raw.contiguous('channels_last') : raw;
          const times: number[] = [];
          for (let i = 0; i < warmup + repeats; i++) {
            const started = performance.now();
            E.scope(() => {
              model.call(input);
            });
            if (i >= warmup) times.push(performance.now() - started);
          }
          result.set(batch, median(times));
        });
      }
    });
    return result;
  } finally {
    model.dispose();
  }
}
