// The Tensor: a handle to a libtorch tensor that owns native memory until disposed.
import { checkDevice, type Device } from './device.js';
import { byteSize, dtypeFromCode, typedArrayView, type DType, type TypedArrayFor } from './dtype.js';
import { guardWithBackstop } from './backstop.js';
import { native, type Handle } from './native.js';
import { track, type ScopedResource } from './scope.js';
import * as el from './ops/elementwise.js';
import * as red from './ops/reduction.js';
import * as sh from './ops/shape.js';
import * as nn from './ops/nn.js';
import * as ip from './ops/inplace.js';

interface Meta {
  dtype: DType;
  device: Device;
  shape: readonly number[];
}

export type MemoryFormat = 'contiguous' | 'channels_last' | 'preserve';

export class Tensor implements ScopedResource {
  private handleValue: Handle;
  private metaCache: Meta | undefined;
  /** Set by keep(): no scope frees this tensor. */
  kept = false;
  private collectable = false;

  private constructor(handle: Handle) {
    this.handleValue = handle;
    let owned: boolean;
    try {
      owned = track(this);
    } catch (error) {
      native.dispose(handle);
      this.handleValue = -1;
      throw error;
    }
    if (!owned) this.outliveScopes();
  }

  /** Hands the tensor to the garbage collector's backstop (backstop.ts): no scope will free it. */
  outliveScopes(): void {
    if (this.collectable || this.handleValue < 0) return;
    this.collectable = true;
    guardWithBackstop(this);
  }

  /** Wraps a handle the addon just returned; the new Tensor owns it. */
  static fromHandle(handle: Handle): Tensor {
    return new Tensor(handle);
  }

  /** The addon handle. Throws if the tensor was disposed. */
  get handle(): Handle {
    if (this.handleValue < 0) {
      throw new Error('tensor used after dispose: keep it (keep()) or return it from its scope if it is still needed');
    }
    return this.handleValue;
  }

  get isDisposed(): boolean {
    return this.handleValue < 0;
  }

  /** Frees the native memory now. Calling it twice is harmless. */
  dispose(): void {
    if (this.handleValue < 0) return;
    native.dispose(this.handleValue);
    this.handleValue = -1;
    this.metaCache = undefined;
  }

  private get meta(): Meta {
    if (this.metaCache === undefined) {
      const [code, deviceType, deviceIndex, ...shape] = native.meta(this.handle);
      const device = deviceType === 'cpu' ? 'cpu' : deviceIndex > 0 ? `cuda:${deviceIndex}` : 'cuda';
      this.metaCache = { dtype: dtypeFromCode(code), device: device as Device, shape: Object.freeze(shape) };
    }
    return this.metaCache;
  }

  get dtype(): DType {
    return this.meta.dtype;
  }
  get device(): Device {
    return this.meta.device;
  }
  get shape(): readonly number[] {
    return this.meta.shape;
  }
  get ndim(): number {
    return this.meta.shape.length;
  }
  get numel(): number {
    return this.meta.shape.reduce((a, b) => a * b, 1);
  }
  get nbytes(): number {
    return this.numel * byteSize(this.dtype);
  }
  /** Size of one dimension; negative dims count from the end. */
  size(dim: number): number {
    const shape = this.meta.shape;
    const size = shape[dim < 0 ? dim + shape.length : dim];
    if (size === undefined) throw new RangeError(`size: dim ${dim} is out of range for a ${shape.length}-d tensor`);
    return size;
  }
  strides(): number[] {
    return native.strides(this.handle);
  }
  isContiguous(format: MemoryFormat = 'contiguous'): boolean {
    return native.isContiguous(this.handle, format === 'channels_last');
  }

  // ---- data out ----
  /** A copy of the elements in row-major order (bool and uint8 as Uint8Array, int64 as BigInt64Array). */
  data<D extends DType = DType>(): TypedArrayFor[D] {
    return typedArrayView(this.dtype, native.toBuffer(this.handle)) as TypedArrayFor[D];
  }
  /** The elements as plain numbers (int64 converted with Number). */
  toArray(): number[] {
    return Array.from(this.data() as ArrayLike<number | bigint>, Number);
  }
  /** The value of a one-element tensor. */
  item(): number {
    if (this.numel !== 1) throw new RangeError(`item: the tensor has ${this.numel} elements, expected 1 (shape [${this.shape.join(', ')}])`);
    return Number(native.item(this.handle));
  }

  // ---- autograd ----
  get requiresGrad(): boolean {
    return native.requiresGrad(this.handle);
  }
  set requiresGrad(flag: boolean) {
    native.setRequiresGrad(this.handle, flag);
  }
  /** Marks this tensor as a leaf that collects gradients; returns this. */
  requireGrad(flag = true): this {
    this.requiresGrad = flag;
    return this;
  }
  get isLeaf(): boolean {
    return native.isLeaf(this.handle);
  }
  /** The accumulated gradient as a new handle (dispose it, or let a scope do so), or null. */
  get grad(): Tensor | null {
    const handle = native.grad(this.handle);
    return handle === null ? null : Tensor.fromHandle(handle);
  }
  set grad(gradient: Tensor | null) {
    native.setGrad(this.handle, gradient === null ? null : gradient.handle);
  }
  /** Drops the gradient (like zero_grad(set_to_none=True)): the next backward allocates a fresh one. */
  zeroGrad(): void {
    native.setGrad(this.handle, null);
  }
  /** Keeps .grad on a non-leaf tensor after backward. */
  retainGrad(): this {
    native.retainGrad(this.handle);
    return this;
  }
  backward(gradient?: Tensor, options: { retainGraph?: boolean } = {}): void {
    native.backward(this.handle, gradient === undefined ? null : gradient.handle, options.retainGraph ?? false);
  }
  detach(): Tensor {
    return sh.detach(this);
  }

  // ---- conversion ----
  to(target: DType | Device): Tensor {
    return sh.to(this, target);
  }
  cpu(): Tensor {
    return sh.to(this, 'cpu');
  }
  cuda(): Tensor {
    return sh.to(this, checkDevice('cuda'));
  }
  clone(): Tensor {
    return sh.clone(this);
  }
  contiguous(format: MemoryFormat = 'contiguous'): Tensor {
    return sh.contiguous(this, format);
  }

  // ---- arithmetic and comparisons ----
  add(other: Tensor | number, alpha?: number): Tensor {
    return el.add(this, other, alpha);
  }
  sub(other: Tensor | number, alpha?: number): Tensor {
    return el.sub(this, other, alpha);
  }
  mul(other: Tensor | number): Tensor {
    return el.mul(this, other);
  }
  div(other: Tensor | number): Tensor {
    return el.div(this, other);
  }
  pow(exponent: Tensor | number): Tensor {
    return el.pow(this, exponent);
  }
  neg(): Tensor {
    return el.neg(this);
  }
  abs(): Tensor {
    return el.abs(this);
  }
  exp(): Tensor {
    return el.exp(this);
  }
  log(): Tensor {
    return el.log(this);
  }
  sqrt(): Tensor {
    return el.sqrt(this);
  }
  relu(): Tensor {
    return el.relu(this);
  }
  sigmoid(): Tensor {
    return el.sigmoid(this);
  }
  tanh(): Tensor {
    return el.tanh(this);
  }
  clamp(min: number | null, max: number | null = null): Tensor {
    return el.clamp(this, min, max);
  }
  eq(other: Tensor | number): Tensor {
    return el.eq(this, other);
  }
  ne(other: Tensor | number): Tensor {
    return el.ne(this, other);
  }
  lt(other: Tensor | number): Tensor {
    return el.lt(this, other);
  }
  le(other: Tensor | number): Tensor {
    return el.le(this, other);
  }
  gt(other: Tensor | number): Tensor {
    return el.gt(this, other);
  }
  ge(other: Tensor | number): Tensor {
    return el.ge(this, other);
  }

  // ---- reductions ----
  sum(dim?: number | readonly number[], keepDim = false): Tensor {
    return red.sum(this, dim, keepDim);
  }
  mean(dim?: number | readonly number[], keepDim = false): Tensor {
    return red.mean(this, dim, keepDim);
  }
  max(): Tensor {
    return red.max(this);
  }
  min(): Tensor {
    return red.min(this);
  }
  argmax(dim?: number, keepDim = false): Tensor {
    return red.argmax(this, dim, keepDim);
  }

  // ---- shape ----
  reshape(shape: readonly number[]): Tensor {
    return sh.reshape(this, shape);
  }
  view(shape: readonly number[]): Tensor {
    return sh.view(this, shape);
  }
  permute(dims: readonly number[]): Tensor {
    return sh.permute(this, dims);
  }
  transpose(dim0: number, dim1: number): Tensor {
    return sh.transpose(this, dim0, dim1);
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return sh.flatten(this, startDim, endDim);
  }
  squeeze(dim?: number): Tensor {
    return sh.squeeze(this, dim);
  }
  unsqueeze(dim: number): Tensor {
    return sh.unsqueeze(this, dim);
  }
  expand(shape: readonly number[]): Tensor {
    return sh.expand(this, shape);
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return sh.narrow(this, dim, start, length);
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return sh.indexSelect(this, dim, index);
  }

  // ---- nn ----
  matmul(other: Tensor): Tensor {
    return nn.matmul(this, other);
  }
  logSoftmax(dim: number): Tensor {
    return nn.logSoftmax(this, dim);
  }
  softmax(dim: number): Tensor {
    return nn.softmax(this, dim);
  }

  // ---- in place (return this) ----
  add_(other: Tensor | number, alpha?: number): this {
    ip.add_(this, other, alpha);
    return this;
  }
  mul_(other: Tensor | number): this {
    ip.mul_(this, other);
    return this;
  }
  zero_(): this {
    ip.zero_(this);
    return this;
  }
  fill_(value: number): this {
    ip.fill_(this, value);
    return this;
  }
  copy_(source: Tensor): this {
    ip.copy_(this, source);
    return this;
  }

  toString(): string {
    if (this.isDisposed) return 'Tensor(disposed)';
    const preview = this.numel <= 8 ? ` [${this.toArray().join(', ')}]` : '';
    return `Tensor(${this.dtype}, [${this.shape.join(', ')}], ${this.device})${preview}`;
  }
}
