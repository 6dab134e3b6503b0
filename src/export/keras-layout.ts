// Layout helpers for the Keras (TF.js) writer, whose tensors are channels-last where PyTorch's are
// channels-first.

/** Reorders a row-major tensor: output dim i is input dim perm[i]. */
export function transpose(data: Float32Array, shape: readonly number[], perm: readonly number[]): { data: Float32Array; shape: number[] } {
  const outShape = perm.map((p) => shape[p] as number);
  const inStrides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const stridesInOutOrder = perm.map((p) => inStrides[p] as number);
  const out = new Float32Array(data.length);
  const index = new Array<number>(outShape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let source = 0;
    for (let d = 0; d < index.length; d++) source += (index[d] as number) * (stridesInOutOrder[d] as number);
    out[o] = data[source] as number;
    for (let d = index.length - 1; d >= 0; d--) {
      index[d] = (index[d] as number) + 1;
      if ((index[d] as number) < (outShape[d] as number)) break;
      index[d] = 0;
    }
  }
  return { data: out, shape: outShape };
}

/** Keras Permute dims (1-based, batch excluded) from channels-first to channels-last, and back. */
export const toChannelsLast = (rank: number): number[] => [...Array.from({ length: rank }, (_, i) => i + 2), 1];
export const toChannelsFirst = (rank: number): number[] => [rank + 1, ...Array.from({ length: rank }, (_, i) => i + 1)];

/** The row-major [1, c, c] kernel of a width-1 conv that scales channel i by gain[i]. */
export function diagonal(gain: Float32Array): Float32Array {
  const c = gain.length;
  const kernel = new Float32Array(c * c);
  for (let i = 0; i < c; i++) kernel[i * c + i] = gain[i] as number;
  return kernel;
}
