// Checks for layer widths and for the index lists that surgery keeps. Keeping (rather than removing) indices, strictly
// increasing, means a kept channel never moves past another: producer and consumers stay aligned.

/** Throws unless a layer's width setting `name` is a positive integer. */
export function checkWidth(layer: string, name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${layer}: ${name} must be a positive integer, got ${String(value)}`);
}

/** Throws unless `indices` is a non-empty, strictly increasing list of integers in [0, width). */
export function checkKeep(what: string, indices: readonly number[], width: number): void {
  if (!Array.isArray(indices) || indices.length === 0) {
    throw new RangeError(`${what}: expected a non-empty list of indices to keep (width ${width}); removing every channel would cut the network, so remove the whole layer instead`);
  }
  let previous = -1;
  for (const index of indices) {
    if (!Number.isInteger(index) || index < 0 || index >= width) {
      throw new RangeError(`${what}: index ${String(index)} is out of range: expected integers in [0, ${width})`);
    }
    if (index <= previous) {
      throw new RangeError(`${what}: indices must be strictly increasing (no repeats, no reordering), got ${index} after ${previous}`);
    }
    previous = index;
  }
}

/**
 * The input columns of a Linear that read channels `channels` of a flattened [C, ...spatial] tensor
 * (e.g. LeNet-5's first fully connected layer reads 16 x 5 x 5 features): channel c owns columns
 * c * spatial ... c * spatial + spatial - 1.
 */
export function flattenedIndices(channels: readonly number[], spatial: number): number[] {
  return channels.flatMap((c) => Array.from({ length: spatial }, (_, k) => c * spatial + k));
}
