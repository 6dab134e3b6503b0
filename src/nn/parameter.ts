// Holders for a module's tensors. A module refers to its weights through these holders, never to the
// tensors directly, so network surgery can swap a narrowed tensor in (replace) while everything keyed
// by the holder object (optimiser momentum, gate tables, pruning history) still finds it
// (docs/method.md section 4, step 7: surgery slices the momentum with the weights).
import * as E from '../engine/index.js';

/** One narrowing of a holder: which indices of which dimension were kept (returned by surgery). */
export interface ParameterSlice {
  readonly parameter: Parameter;
  readonly dim: number;
  readonly indices: readonly number[];
}

abstract class TensorHolder {
  private current: E.Tensor | null;

  constructor(value: E.Tensor) {
    this.current = E.keep(value);
  }

  /** The tensor held now. Do not dispose it: the holder owns it. */
  get value(): E.Tensor {
    if (this.current === null) throw new Error(`${this.constructor.name} used after dispose (its module was disposed)`);
    return this.current;
  }

  get isDisposed(): boolean {
    return this.current === null;
  }

  /**
   * Holds `next` instead and disposes the old tensor. `next` must be a leaf (create it under noGrad or
   * detach it) because a parameter is an autograd leaf; the holder takes ownership (keep()).
   */
  replace(next: E.Tensor): void {
    const old = this.value;
    if (next === old) return;
    if (!next.isLeaf) {
      throw new Error(`${this.constructor.name}.replace: the new tensor has autograd history; pass next.detach() or build it under noGrad`);
    }
    this.adopt(next);
    this.current = E.keep(next);
    old.dispose();
  }

  /** Keeps only `indices` along `dim` (indexSelect under noGrad), preserving channels-last layout. */
  keepAlong(dim: number, indices: readonly number[]): void {
    const old = this.value;
    const next = E.noGrad(() =>
      E.scope(() => {
        const index = E.tensor(indices, { dtype: 'int64', device: old.device });
        const selected = E.indexSelect(old, dim, index);
        // index_select returns a contiguous tensor; keep a channels-last conv weight channels-last.
        const channelsLast = old.ndim === 4 && !old.isContiguous() && old.isContiguous('channels_last');
        return channelsLast ? selected.contiguous('channels_last') : selected;
      }),
    );
    this.replace(next);
  }

  dispose(): void {
    this.current?.dispose();
    this.current = null;
  }

  /** Gives a new tensor the holder's autograd setting. */
  protected abstract adopt(next: E.Tensor): void;
}

/** A trainable tensor: an autograd leaf that collects gradients. */
export class Parameter extends TensorHolder {
  readonly requiresGrad: boolean;

  constructor(value: E.Tensor, options: { requiresGrad?: boolean } = {}) {
    const requiresGrad = options.requiresGrad ?? true;
    if (requiresGrad && !E.isFloating(value.dtype)) {
      throw new TypeError(`Parameter: only floating tensors can require gradients, got ${value.dtype}`);
    }
    if (!value.isLeaf) throw new Error('Parameter: the tensor has autograd history; pass value.detach() or build it under noGrad');
    super(value);
    this.requiresGrad = requiresGrad;
    value.requiresGrad = requiresGrad;
  }

  /** The gradient accumulated by backward (a new handle; dispose it or let a scope do so), or null. */
  get grad(): E.Tensor | null {
    return this.value.grad;
  }

  protected adopt(next: E.Tensor): void {
    next.requiresGrad = this.requiresGrad;
  }
}

/** A non-trainable tensor of module state (running statistics, counters). */
export class Buffer extends TensorHolder {
  /** Persistent buffers are part of the state dict; non-persistent ones are not saved. */
  readonly persistent: boolean;

  constructor(value: E.Tensor, options: { persistent?: boolean } = {}) {
    super(value);
    this.persistent = options.persistent ?? true;
    if (value.requiresGrad) value.requiresGrad = false;
  }

  protected adopt(next: E.Tensor): void {
    if (next.requiresGrad) next.requiresGrad = false;
  }
}
