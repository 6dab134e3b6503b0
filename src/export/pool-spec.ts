// How ATen's pooling calls read as export IR settings, in 1-d and 2-d: every spatial setting becomes
// one entry per spatial dim, whichever form (one int, or one per dim) the call gave it in.
import type { TracedOp } from '../nn/index.js';
import { UnsupportedExportError, type IrNodeSpec, type Spatial } from './ir.js';

/** Names why an op cannot be exported, with where it came from; never returns. */
export type Refuse = (why: string) => never;

/** A spatial setting as ATen takes it, as one entry per spatial dim. */
export function spatialOf(value: unknown, rank: number, what: string): Spatial {
  if (typeof value === 'number') return new Array<number>(rank).fill(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) {
    if (value.length === 1) return new Array<number>(rank).fill(value[0] as number);
    if (value.length === rank) return [...(value as number[])];
  }
  throw new UnsupportedExportError(`${what}: expected one or ${rank} integers, got ${JSON.stringify(value)}`);
}

/** A pooling call's stride: ATen's empty list means 'the kernel size'. */
const strideOf = (stride: unknown, kernel: Spatial, what: string): Spatial => (Array.isArray(stride) && stride.length === 0 ? kernel : spatialOf(stride, kernel.length, what));

/** The IR node of a max_pool1d/2d or avg_pool1d/2d call reading value `x` of `rank` spatial dims. */
export function poolNode(op: TracedOp, x: number, rank: number, refuse: Refuse): IrNodeSpec {
  const setting = (value: unknown, name: string): Spatial => spatialOf(value, rank, `${op.name} ${name}`);
  if (op.name.startsWith('max_pool')) {
    const [kernel, stride, padding, dilation, ceilMode] = op.scalars;
    const k = setting(kernel, 'kernel');
    return { op: 'maxpool', inputs: [x], kernel: k, stride: strideOf(stride, k, `${op.name} stride`), padding: setting(padding, 'padding'), dilation: setting(dilation, 'dilation'), ceilMode: ceilMode === true };
  }
  // avg_pool1d has no divisor_override; for avg_pool2d it is the sixth scalar.
  const [kernel, stride, padding, ceilMode, countIncludePad, divisor] = op.scalars;
  if (divisor !== null && divisor !== undefined) refuse('divisor_override is not supported');
  const k = setting(kernel, 'kernel');
  return { op: 'avgpool', inputs: [x], kernel: k, stride: strideOf(stride, k, `${op.name} stride`), padding: setting(padding, 'padding'), ceilMode: ceilMode === true, countIncludePad: countIncludePad !== false };
}

/**
 * Refuses an adaptive average pool or a mean that is not global average pooling: pooling to one
 * position per channel, or the mean over every spatial dim without keepdim.
 */
export function checkGlobalPool(op: TracedOp, rank: number, refuse: Refuse): void {
  if (op.name !== 'mean') {
    const size = spatialOf(op.scalars[0], rank, `${op.name} output size`);
    if (size.some((d) => d !== 1)) refuse('only pooling to one position per channel (global average pooling) is supported');
    return;
  }
  const [dims, keepDim] = op.scalars;
  const full = rank + 2;
  const axes = Array.isArray(dims) ? new Set(dims.map((d) => ((d as number) + full) % full)) : new Set<number>();
  const spatial = Array.isArray(dims) && dims.length === rank && axes.size === rank && [...axes].every((d) => d >= 2);
  if (!spatial || keepDim === true) refuse('only the mean over every spatial dim without keepdim (global average pooling) is supported');
}
