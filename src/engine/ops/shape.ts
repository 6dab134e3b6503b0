// Views, layout, joining and indexing: what reshaping, channels-last and network surgery need.
import { aten, callTensor } from '../aten.js';
import { checkDevice, type Device } from '../device.js';
import { DTYPES, dtypeCode, type DType } from '../dtype.js';
import type { MemoryFormat, Tensor } from '../tensor.js';

// c10::MemoryFormat codes.
const MEMORY_FORMAT: Record<MemoryFormat, number> = { contiguous: 0, preserve: 1, channels_last: 2 };

const RESHAPE = aten('reshape');
const VIEW = aten('view');
const PERMUTE = aten('permute');
const TRANSPOSE = aten('transpose', 'int');
const CONTIGUOUS = aten('contiguous');
const FLATTEN = aten('flatten', 'using_ints');
const SQUEEZE = aten('squeeze');
const SQUEEZE_DIM = aten('squeeze', 'dim');
const UNSQUEEZE = aten('unsqueeze');
const EXPAND = aten('expand');
const CAT = aten('cat');
const STACK = aten('stack');
const NARROW = aten('narrow');
const INDEX_SELECT = aten('index_select');
const SELECT = aten('select', 'int');
const CLONE = aten('clone');
const DETACH = aten('detach');
const TO_DTYPE = aten('to', 'dtype');
const TO_DEVICE = aten('to', 'device');

export const reshape = (a: Tensor, shape: readonly number[]): Tensor => callTensor(RESHAPE, a, shape);
/** A view with a new shape; fails if the memory layout does not allow one (use reshape). */
export const view = (a: Tensor, shape: readonly number[]): Tensor => callTensor(VIEW, a, shape);
export const permute = (a: Tensor, dims: readonly number[]): Tensor => callTensor(PERMUTE, a, dims);
export const transpose = (a: Tensor, dim0: number, dim1: number): Tensor => callTensor(TRANSPOSE, a, dim0, dim1);
/** A tensor laid out in `format`: 'channels_last' stores NCHW data as NHWC, which conv kernels prefer on CPU. */
export const contiguous = (a: Tensor, format: MemoryFormat = 'contiguous'): Tensor => callTensor(CONTIGUOUS, a, MEMORY_FORMAT[format]);
export const flatten = (a: Tensor, startDim = 0, endDim = -1): Tensor => callTensor(FLATTEN, a, startDim, endDim);
export const squeeze = (a: Tensor, dim?: number): Tensor => (dim === undefined ? callTensor(SQUEEZE, a) : callTensor(SQUEEZE_DIM, a, dim));
export const unsqueeze = (a: Tensor, dim: number): Tensor => callTensor(UNSQUEEZE, a, dim);
export const expand = (a: Tensor, shape: readonly number[]): Tensor => callTensor(EXPAND, a, shape);
export const cat = (tensors: readonly Tensor[], dim = 0): Tensor => callTensor(CAT, tensors, dim);
export const stack = (tensors: readonly Tensor[], dim = 0): Tensor => callTensor(STACK, tensors, dim);
/** The slice [start, start + length) of one dimension, as a view. */
export const narrow = (a: Tensor, dim: number, start: number, length: number): Tensor => callTensor(NARROW, a, dim, start, length);
/** The entries at `index` (an int64 tensor) along `dim`, copied. */
export const indexSelect = (a: Tensor, dim: number, index: Tensor): Tensor => callTensor(INDEX_SELECT, a, dim, index);
export const select = (a: Tensor, dim: number, index: number): Tensor => callTensor(SELECT, a, dim, index);
export const clone = (a: Tensor, format: MemoryFormat = 'preserve'): Tensor => callTensor(CLONE, a, MEMORY_FORMAT[format]);
/** The same data without autograd history. */
export const detach = (a: Tensor): Tensor => callTensor(DETACH, a);

/** Converts to another dtype or device (always returns a new handle). */
export function to(a: Tensor, target: DType | Device): Tensor {
  if ((DTYPES as readonly string[]).includes(target)) return callTensor(TO_DTYPE, a, dtypeCode(target as DType));
  return callTensor(TO_DEVICE, a, checkDevice(target), dtypeCode(a.dtype));
}
