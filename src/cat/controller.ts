// Complexity-Aware Training of one network (docs/method.md section 4): per step, sample the gates, and
// after backward update theta by the projected step with the automatic weights c_k; remove the
// structures that meet the pruning conditions; keep the structure graph and the gates in step with
// the shrinking network. Written once against the structure graph.
import type * as E from '../engine/index.js';
import type { Module } from '../nn/index.js';
import { adjustGamma, type BudgetSchedule, type BudgetTarget } from './budget.js';
import { expectedComplexity, type ExpectedComplexity } from './complexity.js';
import { GateMultipliers } from './gate-hooks.js';
import { GateState, type GateRecord } from './gate-state.js';
import { landOnBudget, OffSet } from './landing.js';
import { buildStructureGraph } from './graph.js';
import type { StructureGraph } from './graph-types.js';
import type { CatOptions } from './options.js';
import { applyEvents, silenceUnits, type PruneEvent, type SurgeryFollower } from './surgery.js';
import { coefficients, complexityShares, isRemovable, isSettled, projectedStep, type Baseline, type Shares } from './update.js';

export interface CatSchedule {
  stepsPerEpoch: number;
  totalSteps: number;
}

/** Everything a checkpoint needs to continue a CAT run exactly. */
export interface CatState {
  gamma: number;
  baseline: Baseline;
  scale0: { units: Record<string, number>; blocks: Record<string, number> };
  gates: ReturnType<GateState['toJSON']>;
  history: PruneEvent[];
  /** Widths of every gated group at the start (for reports). */
  initialWidths: Record<string, number>;
  initialBlocks: string[];
  /** Set once the gates were rounded and removed (the settle step): the step and what was unsettled. */
  settled: { step: number; nonBinary: number; interior: number } | null;
}

/** One epoch's view of the network for the logs. */
export interface CatReport {
  macs: number;
  params: number;
  expected_macs: number;
  expected_params: number;
  macs_fraction: number;
  gamma: number;
  alive_blocks: number;
  total_blocks: number;
  alive_units: Record<string, number>;
  gates_nonbinary: number;
}

const toRecord = (map: Map<string, number>): Record<string, number> => Object.fromEntries(map);
const toMap = (record: Record<string, number>): Map<string, number> => new Map(Object.entries(record));

/** What a size is measured in: a budget's MACs or parameters, or the knobs' mix of both. */
type CostKind = BudgetTarget['kind'] | 'cost';

export class CatController {
  graph: StructureGraph;
  gates: GateState;
  gamma: number;
  readonly history: PruneEvent[];
  readonly baseline: Baseline;
  private readonly scale0: Shares;
  private readonly multipliers: GateMultipliers;
  private readonly initialWidths: Record<string, number>;
  private readonly initialBlocks: string[];
  private readonly warmupSteps: number;
  /** Steps between removals that track the expected cost. */
  private readonly trackEvery: number;
  private readonly patience: number;
  private readonly rate: number;
  private readonly budget: { target: BudgetTarget; schedule: BudgetSchedule } | null;
  private sampledThisStep = false;
  private settled: CatState['settled'] = null;
  /** The step from which the gates are rounded and the pruned network trains on deterministically. */
  readonly settleStep: number;

  constructor(
    readonly model: Module,
    readonly inputShape: readonly number[],
    readonly options: CatOptions,
    readonly schedule: CatSchedule,
    readonly device: E.Device,
    restored?: CatState,
  ) {
    this.graph = buildStructureGraph(model, inputShape);
    const selection = { units: !options.layersOnly, layers: !options.unitsOnly, protect: options.protect };
    if (restored === undefined) {
      this.gates = GateState.initial(this.graph, selection);
      this.baseline = { macs: this.graph.macs, params: this.graph.params };
      const shares = complexityShares(expectedComplexity(this.graph, this.gates), this.baseline, options.flopsShare);
      this.scale0 = this.referenceScale(shares);
      this.gamma = options.strength;
      this.history = [];
      this.initialWidths = Object.fromEntries(this.graph.groups.filter((g) => this.gates.groups.has(g.id)).map((g) => [g.id, g.width]));
      this.initialBlocks = [...this.gates.blocks.keys()];
    } else {
      this.gates = GateState.fromJSON(restored.gates);
      this.baseline = restored.baseline;
      this.scale0 = { units: toMap(restored.scale0.units), blocks: toMap(restored.scale0.blocks) };
      this.gamma = restored.gamma;
      this.history = [...restored.history];
      this.initialWidths = restored.initialWidths;
      this.initialBlocks = restored.initialBlocks;
      this.settled = restored.settled;
    }
    const { stepsPerEpoch, totalSteps } = schedule;
    this.warmupSteps = Math.round(options.gateWarmupEpochs * stepsPerEpoch);
    this.patience = Math.round(options.patienceEpochs * stepsPerEpoch);
    this.trackEvery = Math.max(1, Math.round(stepsPerEpoch / 4));
    // With no data signal and at gamma = 1, a gate's push is about its own share, which the step
    // divides by: eta = 1 / (steps to cross) makes it cross [0, 1] in gateCrossEpochs.
    this.rate = options.gateLr ?? 1 / Math.max(1, options.gateCrossEpochs * stepsPerEpoch);
    const target: BudgetTarget | null =
      options.targetMacs !== null ? { kind: 'macs', fraction: options.targetMacs } : options.targetParams !== null ? { kind: 'params', fraction: options.targetParams } : null;
    this.settleStep = Math.round((1 - options.settleFraction) * totalSteps);
    // Gamma holds the target from the ramp's end, then stays fixed for the last quarter of the time
    // before the settle step, so the remaining gates settle at 0 or 1.
    const rampEnd = Math.round(options.pruneBy * totalSteps);
    const freeze = Math.round(rampEnd + 0.75 * (this.settleStep - rampEnd));
    this.budget = target === null ? null : { target, schedule: { start: this.warmupSteps, rampEnd, freeze, every: 10 } };
    this.multipliers = new GateMultipliers(model, options.perExampleGates, options.linearisation);
    if (this.settled === null) this.multipliers.install(this.graph, this.gates);
  }

  /** Each gate's reference share (the step scaling of docs/method.md's "scale note"). */
  private referenceScale(raw: Shares): Shares {
    // A gate whose structure costs nothing measurable still needs a finite step.
    const floor = (m: Map<string, number>): Map<string, number> => new Map([...m].map(([id, s]) => [id, Math.max(s, 1e-9)]));
    const shares = { units: floor(raw.units), blocks: floor(raw.blocks) };
    if (this.options.gateScaling === 'share') return shares;
    let total = 0;
    let count = 0;
    for (const [id, s] of shares.units) {
      const n = this.gates.groups.get(id)?.theta.length ?? 0;
      total += s * n;
      count += n;
    }
    for (const s of shares.blocks.values()) {
      total += s;
      count += 1;
    }
    const mean = count === 0 ? 1 : total / count;
    return { units: new Map([...shares.units.keys()].map((id) => [id, mean])), blocks: new Map([...shares.blocks.keys()].map((id) => [id, mean])) };
  }

  get hasGates(): boolean {
    return this.settled === null && (this.gates.groups.size > 0 || this.gates.blocks.size > 0);
  }

  /** Whether the gates move at this step (after the warm-up, while any gate exists). */
  moving(step: number): boolean {
    return this.hasGates && this.gamma >= 0 && step >= this.warmupSteps && this.options.strength > 0;
  }

  /** Draws this step's gates (before the forward); at the settle step, rounds them first. */
  beginStep(step: number, batch: number, follower?: SurgeryFollower): void {
    if (this.settled === null && step >= this.settleStep) this.settle(step, follower);
    this.sampledThisStep = this.moving(step);
    if (this.sampledThisStep) this.multipliers.sample(this.gates, batch, this.device);
  }

  /** The block multiplier override used by the two-point estimator. */
  withBlockForced<T>(block: string, value: number, fn: () => T): T {
    return this.multipliers.withBlockOverride(block, value, fn);
  }

  sampledBlock(block: string): number | undefined {
    return this.multipliers.sampledBlock(block);
  }

  /**
   * After backward and the weight step: updates theta, adjusts gamma toward a budget, and removes
   * what meets the pruning conditions. `blockGradients` replaces the linearised estimate of some
   * layer gates (the two-point estimator). `rateFactor` scales the gate step: the trainer passes the
   * weights' learning rate over its peak, so the gate steps shrink as the weights' do and the noisy
   * thetas settle at 0 or 1 (a constant step keeps them wandering; stochastic approximation needs a
   * vanishing step). Returns the structural changes made.
   */
  endStep(step: number, follower?: SurgeryFollower, blockGradients?: Map<string, number>, rateFactor = 1): PruneEvent[] {
    if (!this.sampledThisStep) return [];
    this.sampledThisStep = false;
    const grads = this.multipliers.gradients();
    this.multipliers.clear();
    if (blockGradients !== undefined) for (const [id, g] of blockGradients) grads.blocks.set(id, g);
    const expected = this.expected();
    if (this.budget !== null) {
      // Until the path reaches the target, gamma follows the expected cost, which moves smoothly with
      // the thetas (the rounded one jumps late, when thetas cross 0.5, and let the gates overshoot).
      // From then on it follows the larger of the two, so the network that is rounded and saved at
      // the end is within budget too.
      const kind = this.budget.target.kind;
      const cost = step < this.budget.schedule.rampEnd ? this.measure(kind, expected) : Math.max(this.measure(kind, expected), this.measure(kind, this.deployed()));
      this.gamma = adjustGamma(this.gamma, step, cost, this.budget.target, this.budget.schedule);
    }
    const knobs = { strength: this.gamma, layerPreference: this.options.layerPreference, flopsShare: this.options.flopsShare };
    const c = coefficients(complexityShares(expected, this.baseline, this.options.flopsShare), knobs);
    projectedStep(this.gates, grads, c, this.scale0, { rate: this.rate * rateFactor, pullWeight: 2 / (Math.max(1, this.patience) + 1) });
    // With a budget, once the network as it stands is within it, nothing more needs to go: removal
    // cannot be undone, and the settle step lands on the budget with what is left.
    const trackingStep = step >= this.warmupSteps + this.patience && (step - this.warmupSteps) % this.trackEvery === 0;
    let removable: (record: GateRecord, i: number) => boolean;
    if (this.budget === null) {
      const tracking = trackingStep ? this.trackExpected(expected, 0) : null;
      removable = (record, i) => isRemovable(record, i, this.patience) || (tracking?.(record, i) ?? false);
    } else {
      // With a budget, removals are chosen together, lowest theta first (those at 0 lead), so the
      // network never drops under the budget: removal cannot be undone, and the settle step lands
      // on the budget with what is left.
      if (!trackingStep || this.physicalFraction(this.budget.target) <= this.budget.target.fraction) return [];
      removable = this.trackExpected(expected, this.budget.target.fraction);
    }
    const events = this.decide(step, removable, true);
    this.apply(events, follower);
    return events;
  }

  /** Drops the step's multipliers without updating (a skipped step, e.g. a non-finite loss). */
  discardStep(): void {
    this.sampledThisStep = false;
    this.multipliers.clear();
  }

  /** Expected MACs and parameters under the current thetas. */
  expected(): ExpectedComplexity {
    return expectedComplexity(this.graph, this.gates);
  }

  /** MACs and parameters of the network that would be deployed now (every theta rounded at 0.5). */
  deployed(): { macs: number; params: number } {
    const rounded = (record: GateRecord): number[] => record.theta.map((t, i) => (t >= 0.5 && record.spare[i] !== 1 ? 1 : 0));
    const e = expectedComplexity(this.graph, {
      units: (id) => {
        const r = this.gates.groups.get(id);
        return r === undefined ? undefined : rounded(r);
      },
      block: (id) => {
        const r = this.gates.blocks.get(id);
        return r === undefined ? undefined : (rounded(r)[0] as number);
      },
    });
    return { macs: e.macs, params: e.params };
  }

  /**
   * The structural changes for this step: blocks whose gate meets `removable`, and per group the units
   * that do, within the --min-units floor (a gated block whose units would all go is removed as a
   * layer instead, docs/method.md section 4 step 6). With `roundWidths`, kept widths are rounded up to
   * --width-multiple with spare units held at 0.
   */
  private decide(step: number, removable: (record: GateRecord, i: number) => boolean, roundWidths: boolean): PruneEvent[] {
    const blocks = new Set<string>();
    for (const [id, record] of this.gates.blocks) if (removable(record, 0)) blocks.add(id);
    const unitEvents: PruneEvent[] = [];
    for (const group of this.graph.groups) {
      const record = this.gates.groups.get(group.id);
      if (record === undefined || (group.block !== null && blocks.has(group.block))) continue;
      const width = record.theta.length;
      const going: number[] = [];
      const alive: number[] = [];
      for (let i = 0; i < width; i++) (removable(record, i) ? going : record.spare[i] === 1 ? going : alive).push(i);
      // While training, only a newly removable unit calls for surgery; at the end spares go too.
      if (roundWidths ? !going.some((i) => record.spare[i] !== 1) : going.length === 0) continue;
      // Least pushed first: the units closest to being wanted back are the ones kept if any must be.
      going.sort((a, b) => (record.pull[a] as number) - (record.pull[b] as number) || a - b);
      if (alive.length < this.options.minUnits) {
        if (group.block !== null && this.gates.blocks.has(group.block)) {
          blocks.add(group.block);
          continue;
        }
        const revived = going.splice(0, Math.min(going.length, this.options.minUnits - alive.length));
        alive.push(...revived);
      }
      const multiple = roundWidths ? this.options.widthMultiple : 1;
      const target = Math.min(width, Math.ceil(alive.length / multiple) * multiple);
      if (target >= width) continue;
      const spares = going.slice(0, target - alive.length);
      for (const i of spares) record.spare[i] = 1;
      for (const i of alive) if (record.spare[i] === 1 && !spares.includes(i)) record.spare[i] = 0;
      const keep = [...alive, ...spares].sort((a, b) => a - b);
      for (const i of spares) record.theta[i] = 0;
      unitEvents.push({ step, kind: 'units', group: group.id, keep });
    }
    return [...[...blocks].map((block): PruneEvent => ({ step, kind: 'block', block })), ...unitEvents];
  }

  /** Applies events to the network, the optimiser, the gates and the graph. */
  private apply(events: readonly PruneEvent[], follower?: SurgeryFollower): void {
    if (events.length === 0) return;
    applyEvents(this.model, this.graph, events, follower);
    for (const event of events) {
      if (event.kind === 'block') this.gates.dropBlock(event.block, this.graph.groups.filter((g) => g.block === event.block).map((g) => g.id));
    }
    for (const event of events) if (event.kind === 'units') this.gates.narrow(event.group, event.keep);
    this.history.push(...events);
    this.refresh();
  }

  /** Re-derives the graph from the network as it is now and re-attaches the gates. */
  private refresh(): void {
    // Traced without gates: a gate's multiply would read as a per-channel constant and fix its group.
    this.multipliers.uninstall();
    this.graph = buildStructureGraph(this.model, this.inputShape);
    const prunable = new Set(this.graph.groups.filter((g) => g.prunable).map((g) => g.id));
    for (const id of [...this.gates.groups.keys()]) if (!prunable.has(id)) this.gates.groups.delete(id);
    const blocks = new Set(this.graph.blocks.map((b) => b.id));
    for (const id of [...this.gates.blocks.keys()]) if (!blocks.has(id)) this.gates.blocks.delete(id);
    if (this.settled === null) this.multipliers.install(this.graph, this.gates);
  }

  /**
   * Rounds every gate at 0.5 (docs/method.md section 4, step 9), counting those not yet settled at 0 or 1,
   * removes what is off and the spare units, and detaches the gates: from here the network is
   * deterministic and holds only the kept structures. Runs at the settle step (so the last
   * `settleFraction` of training fine-tunes the rounded network) or, at the latest, when training ends.
   */
  settle(step: number, follower?: SurgeryFollower): NonNullable<CatState['settled']> {
    if (this.settled !== null) return this.settled;
    const nonBinary = this.gates.count((t) => !isSettled(t));
    const interior = this.gates.count((t) => t > 0 && t < 1);
    // While training goes on after the settle step, kept widths stay rounded to --width-multiple (the
    // fast widths): the spare units join the network, silenced, and fine-tuning may use them. A
    // network settled when training ends has nothing to learn them with, so they go.
    const rounded = step < this.schedule.totalSteps && this.options.widthMultiple > 1;
    // Without a budget, the rounded network keeps the expected cost of the gated one: thetas that
    // rest inside (0, 1) stand for a fraction of their structures, and rounding each at 0.5 would
    // keep a group whose units all rest at 0.7 whole.
    const off = this.landOnBudget(this.budget?.target ?? { kind: 'cost', fraction: this.costFraction(this.expected()) }, rounded);
    const events = this.gates.groups.size + this.gates.blocks.size > 0 ? this.decide(step, off, rounded) : [];
    this.apply(events, follower);
    for (const group of this.graph.groups) {
      const record = this.gates.groups.get(group.id);
      if (record === undefined) continue;
      const spares = record.spare.flatMap((spare, i) => (spare === 1 ? [i] : []));
      if (spares.length > 0) silenceUnits(this.model, group, spares);
      record.spare.fill(0);
    }
    for (const record of [...this.gates.groups.values(), ...this.gates.blocks.values()]) {
      record.theta = record.theta.map((t) => (t >= 0.5 ? 1 : 0));
    }
    this.multipliers.uninstall();
    this.settled = { step, nonBinary, interior };
    return this.settled;
  }

  /** With a budget, the gates that go at the settle step so the saved network lands on it (landing.ts). */
  private landOnBudget(target: { kind: CostKind; fraction: number }, roundWidths: boolean): (record: GateRecord, i: number) => boolean {
    const off = landOnBudget({
      groups: [...this.gates.groups.values()],
      blocks: [...this.gates.blocks.values()],
      cost: (set) => this.costWithout(set, target.kind, roundWidths),
      target: target.fraction,
      multiple: roundWidths ? this.options.widthMultiple : 1,
    });
    return (record, i) => record.spare[i] === 1 || off.has(record, i);
  }

  /**
   * Removal that keeps the network as small as its expected cost (catrain's addition to the pruning
   * conditions): thetas often rest inside (0, 1), so condition (a) alone removes little while the
   * expected cost has already fallen, and training would pay for the whole network. Every quarter
   * epoch, the structures with the lowest theta whose data pull is weaker than their cost (condition
   * (b)) are removed for as long as the remaining network costs at least the expected cost.
   */
  private trackExpected(expected: ExpectedComplexity, budgetFloor: number): (record: GateRecord, i: number) => boolean {
    const kind = this.budget?.target.kind ?? 'cost';
    const floor = Math.max(this.measure(kind, expected), budgetFloor);
    const candidates = this.gateList((record, i) => record.spare[i] !== 1 && (record.pull[i] as number) > 0).sort((a, b) => a.theta - b.theta);
    const off = new OffSet();
    for (const c of candidates) {
      off.add(c.record, c.i);
      if (this.costWithout(off, kind, true) < floor) {
        off.delete(c.record, c.i);
        break;
      }
    }
    return (record, i) => off.has(record, i);
  }

  /** Every gate (unit or block) accepted by `keep`, with its theta. */
  private gateList(keep: (record: GateRecord, i: number) => boolean): { record: GateRecord; i: number; theta: number }[] {
    const gates: { record: GateRecord; i: number; theta: number }[] = [];
    for (const record of [...this.gates.groups.values(), ...this.gates.blocks.values()]) {
      record.theta.forEach((theta, i) => {
        if (keep(record, i)) gates.push({ record, i, theta });
      });
    }
    return gates;
  }

  /**
   * The cost of the network with the gates in `off` and the spare units removed, everything else
   * kept. With `roundWidths`, each group's kept width is rounded up to --width-multiple as surgery
   * will round it, so decisions see the network that will actually train.
   */
  private costWithout(off: OffSet, kind: CostKind, roundWidths = false): number {
    const multiple = roundWidths ? this.options.widthMultiple : 1;
    const kept = (record: GateRecord): number[] => record.theta.map((_, i) => (record.spare[i] === 1 || off.has(record, i) ? 0 : 1));
    const rounded = (record: GateRecord): number[] => {
      const units = kept(record);
      const alive = units.reduce((a, b) => a + b, 0);
      let extra = alive === 0 ? 0 : Math.min(units.length, Math.ceil(alive / multiple) * multiple) - alive;
      for (let i = 0; i < units.length && extra > 0; i++) {
        if (units[i] === 0) {
          units[i] = 1;
          extra--;
        }
      }
      return units;
    };
    const units = new Map([...this.gates.groups].map(([id, r]) => [id, rounded(r)] as const));
    const blocks = new Map([...this.gates.blocks].map(([id, r]) => [id, kept(r)[0] as number] as const));
    return this.measure(kind, expectedComplexity(this.graph, { units: (id) => units.get(id), block: (id) => blocks.get(id) }));
  }

  /** A size as a fraction of the dense network: MACs, parameters, or the knobs' mix of both. */
  private measure(kind: CostKind, c: { macs: number; params: number }): number {
    return kind === 'macs' ? c.macs / this.baseline.macs : kind === 'params' ? c.params / this.baseline.params : this.costFraction(c);
  }

  /** The cost the knobs weigh: beta * MACs / F0 + (1 - beta) * parameters / P0. */
  private costFraction(c: { macs: number; params: number }): number {
    const beta = this.options.flopsShare;
    return (beta * c.macs) / this.baseline.macs + ((1 - beta) * c.params) / this.baseline.params;
  }

  private physicalFraction(target: BudgetTarget): number {
    return this.measure(target.kind, this.graph);
  }

  report(): CatReport {
    const expected = this.expected();
    const aliveUnits: Record<string, number> = {};
    for (const [id, record] of this.gates.groups) aliveUnits[id] = record.spare.filter((s) => s !== 1).length;
    return {
      macs: this.graph.macs,
      params: this.graph.params,
      expected_macs: expected.macs,
      expected_params: expected.params,
      macs_fraction: this.graph.macs / this.baseline.macs,
      gamma: this.gamma,
      alive_blocks: this.graph.blocks.length,
      total_blocks: this.initialBlocks.length,
      alive_units: aliveUnits,
      gates_nonbinary: this.gates.count((t) => !isSettled(t)),
    };
  }

  state(): CatState {
    return {
      gamma: this.gamma,
      baseline: this.baseline,
      scale0: { units: toRecord(this.scale0.units), blocks: toRecord(this.scale0.blocks) },
      gates: structuredClone(this.gates.toJSON()),
      history: [...this.history],
      initialWidths: this.initialWidths,
      initialBlocks: this.initialBlocks,
      settled: this.settled,
    };
  }

  get initial(): { widths: Readonly<Record<string, number>>; blocks: readonly string[] } {
    return { widths: this.initialWidths, blocks: this.initialBlocks };
  }

  dispose(): void {
    this.multipliers.uninstall();
  }
}
