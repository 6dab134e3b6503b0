// Per-image transforms: random crop from a zero-padded image, horizontal flip, and per-channel
// normalisation to float32, written straight into an NCHW or NHWC batch. The standard CIFAR recipe
// (pad 4, random crop back to 32x32, flip with p = 0.5) is from He et al. 2016, section 4.2.
import type { Rng } from './rng.js';

/** Memory order of a batch: 'nchw' is PyTorch's default; 'nhwc' is the channels-last order. */
export type Layout = 'nchw' | 'nhwc';

export interface Normalization {
  /** Per-channel mean and standard deviation of pixel/255 over the training set. */
  mean: readonly number[];
  std: readonly number[];
}

/**
 * Constants, not computed at run time: the values the reference training scripts use. Datasets not
 * listed (image folders) are only scaled to [0, 1], unless the caller passes its own Normalization.
 */
export const NORMALIZATION: Readonly<Record<string, Normalization>> = {
  mnist: { mean: [0.1307], std: [0.3081] },
  'fashion-mnist': { mean: [0.286], std: [0.353] },
  cifar10: { mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616] },
  cifar100: { mean: [0.5071, 0.4865, 0.4409], std: [0.2673, 0.2564, 0.2762] },
};

/** The table entry for a dataset name, or mean 0 / std 1 (plain [0, 1] scaling) for others. */
export function normalizationFor(name: string, channels: number): Normalization {
  const entry = NORMALIZATION[name];
  if (entry !== undefined && entry.mean.length === channels) return entry;
  return { mean: Array<number>(channels).fill(0), std: Array<number>(channels).fill(1) };
}

export interface AugmentOptions {
  /** Zero padding on each side before a random crop back to the image size; 0 disables the crop. */
  padding: number;
  /** Mirror left-right with probability 0.5. */
  flip: boolean;
}

/** pad-4 + random crop + horizontal flip: what `augment: true` means. */
export const STANDARD_AUGMENT: Readonly<AugmentOptions> = { padding: 4, flip: true };

/**
 * One image's random choices: where the crop window starts relative to the image's top-left corner
 * (each in -padding..padding; 0, 0 is the unshifted image) and whether it is mirrored.
 */
export interface AugmentDraw {
  dy: number;
  dx: number;
  flip: boolean;
}

/** The draw for one image. With augment null the crop is centred and nothing is drawn. */
export function drawAugment(rng: Rng, augment: Readonly<AugmentOptions> | null): AugmentDraw {
  if (augment === null) return { dy: 0, dx: 0, flip: false };
  const span = 2 * augment.padding + 1;
  const dy = augment.padding > 0 ? rng.below(span) - augment.padding : 0;
  const dx = augment.padding > 0 ? rng.below(span) - augment.padding : 0;
  const flip = augment.flip ? rng.nextU32() >= 0x80000000 : false;
  return { dy, dx, flip };
}

/**
 * The float32 value of every byte in every channel, (v / 255 - mean[c]) / std[c], at [c * 256 + v]:
 * a lookup per pixel is cheaper than the arithmetic. Padding uses v = 0, as torchvision pads the
 * uint8 image with zeros before normalising.
 */
export function normalizationTable(normalization: Normalization, channels: number): Float32Array {
  const { mean, std } = normalization;
  if (mean.length !== channels || std.length !== channels) {
    throw new RangeError(`normalisation has ${mean.length} means and ${std.length} stds for ${channels} channels`);
  }
  const table = new Float32Array(256 * channels);
  for (let c = 0; c < channels; c++) {
    const m = mean[c] as number;
    const s = std[c] as number;
    if (!(s > 0)) throw new RangeError(`normalisation std[${c}] is ${s}, expected a positive number`);
    for (let v = 0; v < 256; v++) table[c * 256 + v] = (v / 255 - m) / s;
  }
  return table;
}

export interface ImageGeometry {
  height: number;
  width: number;
  channels: number;
}

/**
 * Writes image `src[srcOffset ..]` (HWC uint8) as sample `sample` of a float32 batch `out` of the same
 * height and width: out(y, x) = image(y + dy, (flip ? W-1-x : x) + dx) — crop first, then mirror —
 * where pixels outside the image are zero padding (0 before normalisation).
 */
export function transformImage(
  src: Uint8Array, srcOffset: number, geometry: ImageGeometry, draw: AugmentDraw,
  table: Float32Array, out: Float32Array, sample: number, layout: Layout,
): void {
  const { height: H, width: W, channels: C } = geometry;
  const oy = draw.dy;
  const ox = draw.dx;
  const flip = draw.flip;
  // Output column x reads source column sx = x0 + step * x.
  const x0 = flip ? W - 1 + ox : ox;
  const step = flip ? -1 : 1;
  // Output columns [xLo, xHi) read inside the image; the rest are padding.
  const xLo = flip ? Math.max(0, x0 - (W - 1)) : Math.max(0, -x0);
  const xHi = flip ? Math.min(W, x0 + 1) : Math.min(W, W - x0);
  const base = sample * C * H * W;
  if (layout === 'nchw') {
    for (let c = 0; c < C; c++) {
      const lut = c * 256;
      const pad = table[lut] as number;
      const plane = base + c * H * W;
      for (let y = 0; y < H; y++) {
        const row = plane + y * W;
        const sy = y + oy;
        if (sy < 0 || sy >= H || xLo >= xHi) {
          out.fill(pad, row, row + W);
          continue;
        }
        if (xLo > 0) out.fill(pad, row, row + xLo);
        if (xHi < W) out.fill(pad, row + xHi, row + W);
        let s = srcOffset + (sy * W + x0 + step * xLo) * C + c;
        const stride = step * C;
        for (let x = xLo; x < xHi; x++, s += stride) out[row + x] = table[lut + (src[s] as number)] as number;
      }
    }
    return;
  }
  for (let y = 0; y < H; y++) {
    const row = base + y * W * C;
    const sy = y + oy;
    for (let x = 0; x < W; x++) {
      const o = row + x * C;
      const inside = sy >= 0 && sy < H && x >= xLo && x < xHi;
      const s = srcOffset + (sy * W + x0 + step * x) * C;
      for (let c = 0; c < C; c++) out[o + c] = table[c * 256 + (inside ? (src[s + c] as number) : 0)] as number;
    }
  }
}
