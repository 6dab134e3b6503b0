// Cutting a labelled multichannel log (one row per time step) into fixed-length windows. A window takes
// its label from its rows, so a window whose rows carry more than one label has no single true class:
// such windows are skipped and counted rather than labelled by a guess.

/** Rows [start, end) of a log held row-major: row r is values[r*channels, (r+1)*channels). */
export interface LogRows {
  values: Float32Array;
  labels: readonly string[];
  lines: readonly number[];
  channels: number;
}

export interface CutWindows {
  /** count * channels * window floats, channel-major per window. */
  values: Float32Array;
  labels: string[];
  /** The line of each window's first row. */
  lines: number[];
  count: number;
  /** Windows that were skipped because their rows change label. */
  mixed: number;
}

/** The windows of `window` rows starting every `stride` rows within rows [start, end). */
export function cutWindows(log: LogRows, start: number, end: number, window: number, stride: number): CutWindows {
  // runEnd[r - start]: one past the last row of the run of equal labels that row r is in.
  const runEnd = new Int32Array(Math.max(0, end - start));
  for (let r = end - 1; r >= start; r--) {
    runEnd[r - start] = r + 1 < end && log.labels[r + 1] === log.labels[r] ? (runEnd[r + 1 - start] as number) : r + 1;
  }
  const starts: number[] = [];
  let mixed = 0;
  for (let s = start; s + window <= end; s += stride) {
    if ((runEnd[s - start] as number) >= s + window) starts.push(s);
    else mixed++;
  }
  const { channels } = log;
  const values = new Float32Array(starts.length * channels * window);
  starts.forEach((s, k) => {
    for (let c = 0; c < channels; c++) {
      const base = (k * channels + c) * window;
      for (let t = 0; t < window; t++) values[base + t] = log.values[(s + t) * channels + c] as number;
    }
  });
  return {
    values, count: starts.length, mixed,
    labels: starts.map((s) => log.labels[s] as string),
    lines: starts.map((s) => log.lines[s] as number),
  };
}
