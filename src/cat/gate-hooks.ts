// The gates in the forward pass (docs/method.md section 4, steps 2-3 and 8). Each step a gate
// configuration xi ~ Bernoulli(theta) is drawn and every gate becomes a real multiplier s = xi that
// requires a gradient, so backward gives dL/ds_k, the linearised estimator of dE[L]/dtheta_k. In eval
// mode each gate is theta rounded at 0.5: the network that would be deployed now.
import * as E from '../engine/index.js';
import { canScaleChannels, channelScaleProblem, residualOf, scaleChannels, type ChannelScale, type Module } from '../nn/index.js';
import type { GateState } from './gate-state.js';
import type { StructureGraph } from './graph-types.js';

/** What the forward multiplies by in training mode this step. */
interface StepMultipliers {
  units: Map<string, E.Tensor>;
  blocks: Map<string, E.Tensor>;
  /** Per draw: the factor its derivative gets in the estimate (see `Linearisation`). */
  unitWeights: Map<string, Float32Array>;
  blockWeights: Map<string, number>;
  batch: number;
}

/**
 * How the derivative dL/ds at the drawn s = xi becomes an estimate of E[L | xi = 1] - E[L | xi = 0].
 * - 'tangent': the derivative itself (docs/method.md's linearised estimator). For a trained unit that is on,
 *   dL/ds at s = 1 is close to 0 whatever the unit's value (scaling a unit's output is scaling the
 *   next layer's weights, whose gradient is near 0), so only the rare off-draws carry signal and
 *   thetas come to rest inside (0, 1), where those draws are frequent enough.
 * - 'trapezoid': each draw's derivative is divided by twice its probability (floored at 0.05). Its
 *   mean is (L'(0) + L'(1)) / 2, the trapezoid rule for L(1) - L(0), whatever theta is, so the pull
 *   no longer weakens as theta nears 1 and gates move to 0 or 1 instead of resting between.
 */
export type Linearisation = 'tangent' | 'trapezoid';

/** Floor of a draw's probability in the trapezoid weights: bounds the estimate's variance. */
const MIN_DRAW_PROBABILITY = 0.05;

/** A step's gradient of the loss with respect to each gate, dL/dz_k: per unit of each group, and per block. */
export interface GateGradients {
  units: Map<string, Float64Array>;
  blocks: Map<string, number>;
}

/** The gradients as one flat array (units group by group, then blocks), and its inverse, in place. */
export function packGateGradients(grads: GateGradients): { values: Float64Array; unpack(values: ArrayLike<number>): void } {
  const units = [...grads.units.values()];
  const blocks = [...grads.blocks.keys()];
  const values = new Float64Array(units.reduce((n, g) => n + g.length, 0) + blocks.length);
  let offset = 0;
  for (const g of units) {
    values.set(g, offset);
    offset += g.length;
  }
  blocks.forEach((id, i) => (values[offset + i] = grads.blocks.get(id) as number));
  const unpack = (from: ArrayLike<number>): void => {
    let at = 0;
    for (const g of units) for (let i = 0; i < g.length; i++) g[i] = from[at++] as number;
    for (const id of blocks) grads.blocks.set(id, from[at++] as number);
  };
  return { values, unpack };
}

export class GateMultipliers {
  private removers: (() => void)[] = [];
  private current: StepMultipliers | null = null;
  /** Overrides one block's multiplier (the two-point estimator's flipped forward). */
  private blockOverride: { block: string; value: number } | null = null;

  constructor(
    private readonly model: Module,
    private readonly perExample: boolean,
    private readonly linearisation: Linearisation = 'tangent',
  ) {}

  /**
   * Attaches every gate. A unit gate whose consumers read it through linear ops scales their input
   * channels, which their weights carry, and a layer gate whose branch ends in a norm whose output
   * channels its parameters carry (an affine BatchNorm) scales that norm: the same function and
   * gradient as multiplying the activation, for O(weights) instead of passes over the activation and
   * its gradient (docs/benchmarks.md). The others, and per-example gates, multiply the activation.
   */
  install(graph: StructureGraph, gates: GateState): void {
    this.uninstall();
    for (const group of graph.groups) {
      if (!gates.groups.has(group.id)) continue;
      const id = group.id;
      // One fold covers every consumer; otherwise each site (a coupled group may have several, all
      // multiplied by the same draw, so its gradient sums them) multiplies its activation.
      const folded = !this.perExample && group.gateSites.length > 0 && group.gateSites.every((site) => site.folds === 'consumers');
      if (folded) {
        for (const consumer of group.consumers) {
          const layer = this.model.getSubmodule(consumer.module);
          const problem = channelScaleProblem(layer, 'inputs');
          if (problem !== null) throw new Error(`cannot fold the gate of ${id} into ${consumer.module}: ${problem}`);
          const expand = consumer.expand;
          this.removers.push(scaleChannels(layer, 'inputs', (m) => this.unitMultiplier(m, () => this.deviceOf(m), id, gates, expand)));
        }
        continue;
      }
      for (const site of group.gateSites) {
        const rank = site.rank;
        this.removers.push(this.model.getSubmodule(site.module).registerForwardHook((m, _input, output) => this.gateUnits(m, output, id, rank, gates)));
      }
    }
    for (const site of graph.blocks) {
      if (!gates.blocks.has(site.id)) continue;
      const block = residualOf(this.model.getSubmodule(site.id));
      if (block === undefined) continue;
      const id = site.id;
      const multiplier: ChannelScale = (module) => this.blockMultiplier(module, id, gates);
      const norm = site.gateNorm === null ? null : this.model.getSubmodule(site.gateNorm);
      if (norm !== null && canScaleChannels(norm, 'outputs')) {
        this.removers.push(scaleChannels(norm, 'outputs', multiplier));
        continue;
      }
      this.removers.push(
        block.registerBranchHook((out, module) => {
          const s = multiplier(module);
          return s === null ? out : out.mul(s);
        }),
      );
    }
  }

  uninstall(): void {
    for (const remove of this.removers) remove();
    this.removers = [];
  }

  /**
   * Draws this step's gates from one uniform sample per gate (libtorch's CPU generator, which
   * checkpoints save), and makes each multiplier a leaf that collects its gradient.
   */
  sample(gates: GateState, batch: number, device: E.Device): void {
    const unitIds = [...gates.groups.keys()];
    const blockIds = [...gates.blocks.keys()];
    const rows = this.perExample ? batch : 1;
    let total = blockIds.length;
    for (const id of unitIds) total += (gates.groups.get(id)?.theta.length ?? 0) * rows;
    const uniform = total === 0 ? new Float32Array(0) : E.scope(() => E.rand([total]).data() as Float32Array);
    let at = 0;
    const trapezoid = this.linearisation === 'trapezoid';
    const draw = (theta: readonly number[], times: number): { xi: Float32Array; weight: Float32Array } => {
      const xi = new Float32Array(theta.length * times);
      const weight = new Float32Array(theta.length * times).fill(1);
      for (let r = 0; r < times; r++) {
        for (let i = 0; i < theta.length; i++) {
          const t = theta[i] as number;
          const on = (uniform[at++] as number) < t;
          xi[r * theta.length + i] = on ? 1 : 0;
          if (trapezoid) weight[r * theta.length + i] = 1 / (2 * Math.max(on ? t : 1 - t, MIN_DRAW_PROBABILITY));
        }
      }
      return { xi, weight };
    };
    const units = new Map<string, E.Tensor>();
    const blocks = new Map<string, E.Tensor>();
    const unitWeights = new Map<string, Float32Array>();
    const blockWeights = new Map<string, number>();
    for (const id of unitIds) {
      const theta = gates.groups.get(id)!.theta;
      const shape = this.perExample ? [batch, theta.length] : [theta.length];
      const { xi, weight } = draw(theta, rows);
      units.set(id, E.tensor(xi, { shape, device }).requireGrad());
      unitWeights.set(id, weight);
    }
    for (const id of blockIds) {
      const { xi, weight } = draw(gates.blocks.get(id)!.theta, 1);
      blocks.set(id, E.tensor(xi, { shape: [], device }).requireGrad());
      blockWeights.set(id, weight[0] as number);
    }
    this.current = { units, blocks, unitWeights, blockWeights, batch: rows };
  }

  /** The sampled xi of this step (for the two-point estimator and tests). */
  sampledBlock(id: string): number | undefined {
    return this.current?.blocks.get(id)?.item();
  }

  /** dL/ds per unit (summed over the batch for per-example gates) and per block, after backward. */
  gradients(): GateGradients {
    const units = new Map<string, Float64Array>();
    const blocks = new Map<string, number>();
    if (this.current === null) return { units, blocks };
    E.noGrad(() =>
      E.scope(() => {
        const current = this.current!;
        for (const [id, s] of current.units) {
          const width = s.shape.at(-1) ?? 0;
          const total = new Float64Array(width);
          const grad = s.grad?.data() as Float32Array | undefined;
          const weight = current.unitWeights.get(id) as Float32Array;
          if (grad !== undefined) for (let j = 0; j < grad.length; j++) total[j % width] = (total[j % width] as number) + (grad[j] as number) * (weight[j] as number);
          units.set(id, total);
        }
        for (const [id, s] of current.blocks) blocks.set(id, (s.grad?.item() ?? 0) * (current.blockWeights.get(id) ?? 1));
      }),
    );
    return { units, blocks };
  }

  /** Ends the step: the multipliers belong to the step's scope, which frees them. */
  clear(): void {
    this.current = null;
  }

  /** Runs fn with one block's multiplier forced to `value` (training mode only). */
  withBlockOverride<T>(block: string, value: number, fn: () => T): T {
    this.blockOverride = { block, value };
    try {
      return fn();
    } finally {
      this.blockOverride = null;
    }
  }

  /** The unit multipliers for this forward: the draw in training, theta rounded at 0.5 in eval (null: all 1). */
  private unitMultiplier(module: Module, device: () => E.Device, id: string, gates: GateState, expand = 1): E.Tensor | null {
    let multiplier: E.Tensor | undefined;
    if (module.training) {
      multiplier = this.current?.units.get(id);
    } else {
      const record = gates.groups.get(id);
      if (record === undefined || record.theta.every((t, i) => t >= 0.5 && record.spare[i] !== 1)) return null;
      multiplier = E.tensor(record.theta.map((t, i) => (t >= 0.5 && record.spare[i] !== 1 ? 1 : 0)), { device: device() });
    }
    if (multiplier === undefined) return null;
    if (expand === 1) return multiplier;
    // A flatten made each channel `expand` consecutive features.
    const width = multiplier.shape.at(-1) as number;
    return multiplier.view([width, 1]).expand([width, expand]).reshape([width * expand]);
  }

  private gateUnits(module: Module, output: E.Tensor, id: string, rank: number, gates: GateState): E.Tensor | undefined {
    const multiplier = this.unitMultiplier(module, () => output.device, id, gates);
    if (multiplier === null) return undefined;
    const rows = multiplier.ndim === 2 ? (multiplier.shape[0] as number) : 1;
    const width = multiplier.shape.at(-1) as number;
    // One entry per channel (dim 1), broadcast over the spatial dims of [N, C, L] or [N, C, H, W].
    return output.mul(multiplier.view([rows, width, ...Array<number>(rank - 2).fill(1)]));
  }

  /** The block's multiplier for this forward (null: 1). */
  private blockMultiplier(module: Module, id: string, gates: GateState): E.Tensor | null {
    if (!module.training) return (gates.block(id) ?? 1) >= 0.5 ? null : E.tensor([0], { shape: [], device: this.deviceOf(module) });
    if (this.blockOverride?.block === id) return E.tensor([this.blockOverride.value], { shape: [], device: this.deviceOf(module) });
    return this.current?.blocks.get(id) ?? null;
  }

  /** Where a gated module's multiplier must live: its parameters' device (modules that carry a scale have some). */
  private deviceOf(module: Module): E.Device {
    return module.parameters()[0]?.value.device ?? 'cpu';
  }
}
