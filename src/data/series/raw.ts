// What each file reader produces before the splits are paired: the values as read, unnormalised, with
// the label text and the line every sample came from (so later checks can still point at the file).

/** One split as read from its file: sample i is values[i*C*L, (i+1)*C*L), channel-major. */
export interface RawSplit {
  file: string;
  count: number;
  channels: number;
  length: number;
  values: Float32Array;
  /** The label text of each sample, as the file spells it (trimmed). */
  labels: string[];
  /** The 1-based line each sample starts on. */
  lines: number[];
}
