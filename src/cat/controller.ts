// Complexity-Aware Training of one network (docs/method.md section 4), written once against the
// structure graph: per step, sample the gates, and after backward update theta by the projected step
// with the automatic weights c_k; steer gamma toward a budget; remove the structures that meet the
// pruning conditions. The schedule (timeline.ts), cost measures (cost.ts) and removal rules
// (removal.ts) are pure; this class holds the state and applies the decisions (apply.ts).
import type * as E from '../engine/index.js';
import type { Module } from '../nn/index.js';
import { adjustGamma } from './budget.js';
import { ALL_ON, expectedComplexity, type ExpectedComplexity } from './complexity.js';
import { checkLatencyTarget, costFraction, deployedSize, sizeOf, sizeWithout, type CostKind, type Size } from './cost.js';
import { GateMultipliers, packGateGradients, type GateGradients } from './gate-hooks.js';
import { GateState, type GateView } from './gate-state.js';
import { buildStructureGraph } from './graph.js';
import type { StructureGraph } from './graph-types.js';
import type { OffSet } from './landing.js';
import { latencyModel, unprofiledLayers, type LatencyModel, type LatencyProfile } from './latency.js';
import type { CatOptions } from './options.js';
import { decideRemoval, landingRule, trackingRule, type Removal, type RemovalRule } from './removal.js';
import { catReport, type CatReport } from './report.js';
import { sharesFromJSON, sharesToJSON, type CatState, type Settled } from './state.js';
import { applyRemoval, fixGates } from './apply.js';
import type { PruneEvent, SurgeryFollower } from './surgery.js';
import { catTimeline, type CatSchedule, type CatTimeline } from './timeline.js';
import { coefficients, complexityShares, isRemovable, isSettled, projectedStep, referenceScale, type Baseline, type Shares } from './update.js';
import { UNROUNDED } from './widths.js';

export class CatController {
  private currentGraph: StructureGraph;
  private readonly gateState: GateState;
  private currentGamma: number;
  private readonly prunings: PruneEvent[];
  readonly baseline: Baseline;
  private readonly scale0: Shares;
  private readonly multipliers: GateMultipliers;
  private readonly initialWidths: Record<string, number>;
  private readonly initialBlocks: string[];
  private readonly timeline: CatTimeline;
  private sampledThisStep = false;
  private averaged: GateGradients | null = null;
  private settled: Settled | null = null;
  private readonly timing: LatencyModel | undefined;

  /** `profile`: a latency profile that measures compute in milliseconds instead of MACs. */
  constructor(
    readonly model: Module,
    readonly inputShape: readonly number[],
    readonly options: Readonly<CatOptions>,
    readonly schedule: CatSchedule,
    readonly device: E.Device,
    restored?: CatState,
    readonly profile?: LatencyProfile,
  ) {
    this.currentGraph = buildStructureGraph(model, inputShape, { residualChannels: options.residualChannels });
    if (profile !== undefined) {
      // A layer's time grows with its input's size (a sequence's length above all): a profile serves only inputs of the shape it timed.
      if (profile.inputShape.join(',') !== inputShape.join(',')) {
        const flags = inputShape.length === 2 ? ` --channels ${inputShape[0]} --input-length ${inputShape[1]}` : '';
        throw new RangeError(`the latency profile (of ${profile.model}) was measured for inputs [${profile.inputShape.join(', ')}], but this run's are [${inputShape.join(', ')}]: profile it at this shape with \`catrain latency-profile --model M${flags}\``);
      }
      const missing = unprofiledLayers(this.currentGraph, profile);
      if (missing.length > 0) throw new RangeError(`the latency profile (of ${profile.model}) has no terms for ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', ...' : ''}: profile this network with \`catrain latency-profile\``);
    }
    this.timing = profile === undefined ? undefined : latencyModel(profile);
    const selection = { units: !options.layersOnly, layers: !options.unitsOnly, protect: options.protect };
    if (restored === undefined) {
      this.gateState = GateState.initial(this.currentGraph, selection);
      const dense = expectedComplexity(this.currentGraph, ALL_ON, this.timing);
      this.baseline = { macs: this.currentGraph.macs, params: this.currentGraph.params, ...(dense.latency === undefined ? {} : { latency: dense.latency }) };
      const shares = complexityShares(expectedComplexity(this.currentGraph, this.gateState, this.timing), this.baseline, options.flopsShare);
      this.scale0 = referenceScale(shares, this.gateState, options.gateScaling);
      this.currentGamma = options.strength;
      this.prunings = [];
      this.initialWidths = Object.fromEntries(this.currentGraph.groups.filter((g) => this.gateState.groups.has(g.id)).map((g) => [g.id, g.width]));
      this.initialBlocks = [...this.gateState.blocks.keys()];
    } else {
      this.gateState = GateState.fromJSON(restored.gates);
      this.baseline = restored.baseline;
      this.scale0 = sharesFromJSON(restored.scale0);
      this.currentGamma = restored.gamma;
      this.prunings = [...restored.history];
      this.initialWidths = restored.initialWidths;
      this.initialBlocks = restored.initialBlocks;
      this.settled = restored.settled;
    }
    if ((profile === undefined) !== (this.baseline.latency === undefined)) throw new RangeError('the checkpoint and the run disagree on whether a latency profile measures compute');
    this.timeline = catTimeline(options, schedule, this.baseline.latency);
    const target = this.timeline.budget?.target;
    const denseMs = this.baseline.latency;
    if (target?.kind === 'latency' && restored === undefined && this.timing !== undefined && profile !== undefined && denseMs !== undefined) {
      checkLatencyTarget({ graph: this.currentGraph, gates: this.gateState, minUnits: options.minUnits, timing: this.timing, profile, denseMs }, target.fraction * denseMs);
    }
    this.multipliers = new GateMultipliers(model, options.perExampleGates, options.linearisation);
    if (this.settled === null) this.multipliers.install(this.currentGraph, this.gateState);
  }

  get graph(): StructureGraph {
    return this.currentGraph;
  }

  get gates(): GateView {
    return this.gateState;
  }

  get gamma(): number {
    return this.currentGamma;
  }

  get history(): readonly PruneEvent[] {
    return this.prunings;
  }

  get initial(): { widths: Readonly<Record<string, number>>; blocks: readonly string[] } {
    return { widths: this.initialWidths, blocks: this.initialBlocks };
  }

  /** The step from which the gates are rounded and the pruned network trains on deterministically. */
  get settleStep(): number {
    return this.timeline.settleStep;
  }

  get hasGates(): boolean {
    return this.settled === null && (this.gateState.groups.size > 0 || this.gateState.blocks.size > 0);
  }

  /** Whether the gates move at this step (after the warm-up, while any gate exists). */
  moving(step: number): boolean {
    return this.hasGates && this.currentGamma >= 0 && step >= this.timeline.warmupSteps;
  }

  /** Draws this step's gates (before the forward); at the settle step, rounds them first. */
  beginStep(step: number, batch: number, follower?: SurgeryFollower): void {
    if (this.settled === null && step >= this.timeline.settleStep) this.settle(step, follower);
    this.sampledThisStep = this.moving(step);
    if (this.sampledThisStep) this.multipliers.sample(this.gateState, batch, this.device);
  }

  /** The block multiplier override used by the two-point estimator. */
  withBlockForced<T>(block: string, value: number, fn: () => T): T {
    return this.multipliers.withBlockOverride(block, value, fn);
  }

  sampledBlock(block: string): number | undefined {
    return this.multipliers.sampledBlock(block);
  }

  /**
   * After backward, for a run that averages across workers: this step's g_k, each worker's own
   * draw already folded in (so the average holds whether the workers drew alike or not), and
   * `set`, which takes the averages that endStep then uses.
   */
  stepGradients(): { values: Float64Array; set(averaged: ArrayLike<number>): void } {
    if (!this.sampledThisStep) return { values: new Float64Array(0), set: () => undefined };
    const grads = this.multipliers.gradients();
    const { values, unpack } = packGateGradients(grads);
    return {
      values,
      set: (averaged) => {
        unpack(averaged);
        this.averaged = grads;
      },
    };
  }

  /**
   * After backward and the weight step: updates theta, steers gamma toward a budget, removes what
   * meets the pruning conditions, and returns the changes. `blockGradients` replaces the linearised
   * estimate of some layer gates (two-point). `rateFactor` (the weights' rate over its peak) shrinks
   * the gate step as the weights' does, so the noisy thetas settle at 0 or 1.
   */
  endStep(step: number, follower?: SurgeryFollower, blockGradients?: ReadonlyMap<string, number>, rateFactor = 1): readonly PruneEvent[] {
    if (!this.sampledThisStep) return [];
    this.sampledThisStep = false;
    const grads = this.averaged ?? this.multipliers.gradients();
    this.averaged = null;
    this.multipliers.clear();
    if (blockGradients !== undefined) for (const [id, g] of blockGradients) grads.blocks.set(id, g);
    const expected = this.expected();
    const { budget, patience, warmupSteps, trackEvery, rate } = this.timeline;
    if (budget !== null) {
      // Until the path reaches the target, gamma follows the expected cost, which moves smoothly with
      // the thetas (the rounded one jumps late, when thetas cross 0.5, and let the gates overshoot).
      // From then on it follows the larger of the two, so the network that is rounded and saved at
      // the end is within budget too.
      const kind = budget.target.kind;
      const cost = step < budget.schedule.rampEnd ? this.measure(kind, expected) : Math.max(this.measure(kind, expected), this.measure(kind, this.deployed()));
      this.currentGamma = adjustGamma(this.currentGamma, step, cost, budget.target, budget.schedule);
    }
    const knobs = { strength: this.currentGamma, layerPreference: this.options.layerPreference, flopsShare: this.options.flopsShare };
    const c = coefficients(complexityShares(expected, this.baseline, this.options.flopsShare), knobs);
    projectedStep(this.gateState, grads, c, this.scale0, { rate: rate * rateFactor, pullWeight: 2 / (Math.max(1, patience) + 1) });
    const trackingStep = step >= warmupSteps + patience && (step - warmupSteps) % trackEvery === 0;
    let rule: RemovalRule;
    if (budget === null) {
      const tracking = trackingStep ? trackingRule(this.gateState, this.measure('cost', expected), (off) => this.costWithout(off, 'cost', true)) : null;
      rule = (record, i) => isRemovable(record, i, patience) || (tracking?.(record, i) ?? false);
    } else {
      // With a budget, removals are chosen together, lowest theta first (those at 0 lead), and once
      // the network as it stands is within the budget nothing more goes: removal cannot be undone,
      // and the settle step lands on the budget with what is left.
      if (!trackingStep || this.measure(budget.target.kind, this.current()) <= budget.target.fraction) return [];
      const floor = Math.max(this.measure(budget.target.kind, expected), budget.target.fraction);
      rule = trackingRule(this.gateState, floor, (off) => this.costWithout(off, budget.target.kind, true));
    }
    const removal = decideRemoval(step, this.currentGraph, this.gateState, rule, this.options, true);
    this.apply(removal, follower);
    return removal.events;
  }

  /** Drops the step's multipliers without updating (a skipped step, e.g. a non-finite loss). */
  discardStep(): void {
    this.sampledThisStep = false;
    this.averaged = null;
    this.multipliers.clear();
  }

  /** Expected MACs and parameters (and modelled latency) under the current thetas. */
  expected(): ExpectedComplexity {
    return expectedComplexity(this.currentGraph, this.gateState, this.timing);
  }

  /** MACs and parameters (and modelled latency) of the network that would be deployed now (every theta rounded at 0.5). */
  deployed(): Size {
    return deployedSize(this.currentGraph, this.gateState, this.timing);
  }

  /** The network as it stands, every structure kept. */
  current(): Size {
    return sizeOf(expectedComplexity(this.currentGraph, ALL_ON, this.timing));
  }

  /**
   * Rounds every gate at 0.5 (docs/method.md section 4, step 9), counting those not yet settled at 0 or 1,
   * removes what is off and the spare units, and detaches the gates: from here the network is
   * deterministic and holds only the kept structures. Runs at the settle step (so the last
   * `settleFraction` of training fine-tunes the rounded network) or, at the latest, when training ends.
   */
  settle(step: number, follower?: SurgeryFollower): Settled {
    if (this.settled !== null) return this.settled;
    const rounded = this.gateState.count((t) => !isSettled(t));
    const interior = this.gateState.count((t) => t > 0 && t < 1);
    // While training goes on after the settle step, kept widths stay rounded to --width-multiple (the
    // fast widths): the spare units join the network, silenced, and fine-tuning may use them. A
    // network settled when training ends has nothing to learn them with, so they go.
    const roundWidths = step < this.schedule.totalSteps && this.options.widthMultiple > 1;
    // Without a budget, the rounded network keeps the expected cost of the gated one: thetas that
    // rest inside (0, 1) stand for a fraction of their structures, and rounding each at 0.5 would
    // keep a group whose units all rest at 0.7 whole.
    const target = this.timeline.budget?.target ?? { kind: 'cost' as const, fraction: this.measure('cost', this.expected()) };
    const rule = landingRule(this.gateState, target.fraction, roundWidths ? this.options : UNROUNDED, (off) => this.costWithout(off, target.kind, roundWidths));
    if (this.gateState.groups.size + this.gateState.blocks.size > 0) this.apply(decideRemoval(step, this.currentGraph, this.gateState, rule, this.options, roundWidths), follower);
    fixGates(this.model, this.currentGraph, this.gateState);
    this.multipliers.uninstall();
    this.settled = { step, rounded, interior };
    return this.settled;
  }

  /** Applies a decision to the gates, the network, the optimiser and the graph (apply.ts). */
  private apply(removal: Removal, follower?: SurgeryFollower): void {
    const network = { model: this.model, inputShape: this.inputShape, graph: this.currentGraph, gates: this.gateState, history: this.prunings, multipliers: this.multipliers };
    this.currentGraph = applyRemoval({ ...network, structure: { residualChannels: this.options.residualChannels }, gated: this.settled === null }, removal, follower);
  }

  /** The cost of the network with the gates in `off` (and the spares) removed, widths rounded as surgery will round them. */
  private costWithout(off: OffSet, kind: CostKind, roundWidths: boolean): number {
    return this.measure(kind, sizeWithout(this.currentGraph, this.gateState, off, this.options.minUnits, roundWidths ? this.options : UNROUNDED, this.timing));
  }

  private measure(kind: CostKind, size: Size): number {
    return costFraction(kind, size, this.baseline, this.options.flopsShare);
  }

  report(): CatReport {
    return catReport(this);
  }

  state(): CatState {
    return {
      gamma: this.currentGamma,
      baseline: this.baseline,
      scale0: sharesToJSON(this.scale0),
      gates: structuredClone(this.gateState.toJSON()),
      history: [...this.prunings],
      initialWidths: this.initialWidths,
      initialBlocks: this.initialBlocks,
      settled: this.settled,
      ...(this.profile === undefined ? {} : { latencyProfile: this.profile }),
    };
  }

  dispose(): void {
    this.multipliers.uninstall();
  }
}
