// SGD with momentum, Nesterov and decoupled-from-BN weight decay, as torch.optim.SGD computes it.
// State is keyed by the parameter holder, not its tensor: when surgery narrows a parameter, the
// matching momentum rows are narrowed with it (narrowState) and the holder stays the same key.
import * as E from '../engine/index.js';

/** What the optimiser needs of a parameter: a holder whose tensor may be replaced by surgery. */
export interface ParameterHolder {
  readonly value: E.Tensor;
}

export interface SgdOptions {
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

export interface ParameterGroup {
  params: readonly ParameterHolder[];
  /** Weight decay applies to this group (false for BatchNorm parameters and biases). */
  decay: boolean;
  /** This group's own weight decay, instead of the optimiser's (when decay is true). */
  weightDecay?: number;
  /** This group's own constant learning rate, instead of the scheduled one passed to step(). */
  rate?: number;
}

export class Sgd {
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
  private readonly groups: ParameterGroup[];
  private readonly velocity = new Map<ParameterHolder, E.Tensor>();

  constructor(groups: ParameterGroup[], options: SgdOptions = {}) {
    const { momentum = 0, nesterov = false, weightDecay = 0 } = options;
    if (!(momentum >= 0 && momentum < 1)) throw new RangeError(`momentum must be in [0, 1), got ${momentum}`);
    if (!(weightDecay >= 0)) throw new RangeError(`weight decay must be >= 0, got ${weightDecay}`);
    if (nesterov && momentum === 0) throw new RangeError('Nesterov momentum needs momentum > 0');
    this.momentum = momentum;
    this.nesterov = nesterov;
    this.weightDecay = weightDecay;
    for (const group of groups) {
      if (group.weightDecay !== undefined && !(group.weightDecay >= 0)) throw new RangeError(`a parameter group's weight decay must be >= 0, got ${group.weightDecay}`);
      if (group.rate !== undefined && !(group.rate >= 0)) throw new RangeError(`a parameter group's learning rate must be >= 0, got ${group.rate}`);
    }
    this.groups = groups.map((group) => ({ ...group, params: [...group.params] }));
  }

  get parameters(): ParameterHolder[] {
    return this.groups.flatMap((group) => group.params);
  }

  /** One update with learning rate `rate`, from the gradients backward() left; then drops them. */
  step(rate: number): void {
    E.noGrad(() =>
      E.scope(() => {
        for (const group of this.groups) this.stepGroup(group, rate);
      }),
    );
  }

  private stepGroup(group: ParameterGroup, scheduled: number): void {
    const rate = group.rate ?? scheduled;
    const weightDecay = group.weightDecay ?? this.weightDecay;
    const live: ParameterHolder[] = [];
    const grads: E.Tensor[] = [];
    for (const param of group.params) {
      const grad = param.value.grad;
      if (grad === null) continue;
      live.push(param);
      grads.push(grad);
    }
    if (live.length === 0) return;
    const values = live.map((p) => p.value);
    if (group.decay && weightDecay > 0) E.foreachAdd_(grads, values, weightDecay);
    let update = grads;
    if (this.momentum > 0) {
      // A zero buffer gives buf = grad on the first step, which is torch.optim.SGD's initialisation.
      const buffers = live.map((p) => this.velocityOf(p));
      E.foreachMul_(buffers, this.momentum);
      E.foreachAdd_(buffers, grads);
      if (this.nesterov) E.foreachAdd_(grads, buffers, this.momentum);
      else update = buffers;
    }
    E.foreachAdd_(values, update, -rate);
    for (const value of values) value.zeroGrad();
  }

  private velocityOf(param: ParameterHolder): E.Tensor {
    let buffer = this.velocity.get(param);
    if (buffer === undefined) {
      buffer = E.keep(E.zerosLike(param.value));
      this.velocity.set(param, buffer);
    }
    return buffer;
  }

  /** Drops every gradient without updating. */
  zeroGrad(): void {
    for (const param of this.parameters) param.value.zeroGrad();
  }

  /**
   * Narrows a parameter's momentum to the kept indices along `dim`, after surgery narrowed the
   * parameter; a channels-last buffer stays channels-last, like the weight it follows.
   */
  narrowState(param: ParameterHolder, dim: number, indices: readonly number[]): void {
    const buffer = this.velocity.get(param);
    if (buffer === undefined) return;
    const narrowed = E.keep(
      E.noGrad(() =>
        E.scope(() => {
          const selected = E.indexSelect(buffer, dim, E.tensor(indices, { dtype: 'int64', device: buffer.device }));
          const channelsLast = buffer.ndim === 4 && !buffer.isContiguous() && buffer.isContiguous('channels_last');
          return channelsLast ? selected.contiguous('channels_last') : selected;
        }),
      ),
    );
    buffer.dispose();
    this.velocity.set(param, narrowed);
  }

  /** The momentum buffer of a parameter (a view the optimiser owns), or undefined before its first step. */
  momentumOf(param: ParameterHolder): E.Tensor | undefined {
    return this.velocity.get(param);
  }

  /** Forgets a parameter that surgery removed. */
  removeParameter(param: ParameterHolder): void {
    this.velocity.get(param)?.dispose();
    this.velocity.delete(param);
    for (const group of this.groups) group.params = group.params.filter((p) => p !== param);
  }

  /** Momentum buffers by parameter name, for checkpoints. */
  stateDict(names: Map<ParameterHolder, string>): Map<string, E.Tensor> {
    const state = new Map<string, E.Tensor>();
    for (const [param, buffer] of this.velocity) {
      const name = names.get(param);
      if (name === undefined) throw new Error('optimizer state has a parameter the model does not name');
      state.set(`momentum.${name}`, buffer);
    }
    return state;
  }

  /** Restores momentum buffers saved by stateDict (the tensors are copied). */
  loadStateDict(state: Map<string, E.Tensor>, byName: Map<string, ParameterHolder>): void {
    for (const [key, tensor] of state) {
      if (!key.startsWith('momentum.')) continue;
      const name = key.slice('momentum.'.length);
      const param = byName.get(name);
      if (param === undefined) throw new Error(`optimizer state names '${name}', which the model does not have`);
      if (tensor.shape.join() !== param.value.shape.join()) {
        throw new Error(`optimizer state '${name}' has shape [${tensor.shape.join(', ')}], the parameter [${param.value.shape.join(', ')}]`);
      }
      this.velocity.get(param)?.dispose();
      this.velocity.set(param, E.keep(E.noGrad(() => E.clone(tensor))));
    }
  }

  dispose(): void {
    for (const buffer of this.velocity.values()) buffer.dispose();
    this.velocity.clear();
  }
}
