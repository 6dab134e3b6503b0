// Timing one callable: untimed warm-up runs, then at least `minRuns` timed samples and at least
// MIN_TIMED_MS of them. A run far shorter than the clock's jitter is repeated within each sample
// (SAMPLE_MS at least), and the sample's mean run is kept; the median of the samples resists the
// odd sample a scheduler delays.

const WARMUP_RUNS = 3;
const MIN_SAMPLES = 15;
const MAX_SAMPLES = 400;
const MIN_TIMED_MS = 60;
const SAMPLE_MS = 2;
const MAX_REPEATS = 1000;

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * The median milliseconds of one `run`, after warm-up; `minRuns` raises the floor of timed samples
 * and `minTotalMs` that of the time they take together.
 */
export async function medianMs(run: () => unknown, minRuns = MIN_SAMPLES, minTotalMs = MIN_TIMED_MS): Promise<number> {
  let warm = Infinity;
  for (let i = 0; i < WARMUP_RUNS; i++) {
    const start = performance.now();
    await run();
    warm = Math.min(warm, performance.now() - start);
  }
  const repeats = Math.max(1, Math.min(MAX_REPEATS, Math.ceil(SAMPLE_MS / Math.max(warm, 1e-3))));
  const times: number[] = [];
  let total = 0;
  while (times.length < MAX_SAMPLES && (times.length < minRuns || total < minTotalMs)) {
    const start = performance.now();
    for (let r = 0; r < repeats; r++) await run();
    const ms = performance.now() - start;
    times.push(ms / repeats);
    total += ms;
  }
  return median(times);
}
