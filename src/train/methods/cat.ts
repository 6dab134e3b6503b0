// Complexity-Aware Training as a training method: the one place where a run meets src/cat. Gates are
// drawn before the forward; after backward the two-point estimator (if chosen) probes the blocks;
// after the weight step the controller updates theta and prunes, following the optimiser through
// every surgery. At the end the gates are rounded and removed (the settle step, if it has not run).
import * as E from '../../engine/index.js';
import {
  ALL_ON,
  architectureCounts,
  expectedComplexity,
  latencyModel,
  buildStructureGraph,
  CatController,
  describeArchitecture,
  gateSample,
  parseCatState,
  replayHistory,
  statusLine,
  twoPointBlockGradients,
  type CatOptions,
  type CatState,
  type Settled,
} from '../../cat/index.js';
import { readLatencyProfile } from '../latency-profile.js';
import type { BackwardContext, MethodContext, MethodKind, MethodOutcome, StepContext, StepEstimates, TrainingMethod } from '../method.js';

/** The schedule's largest rate (sampled, as schedules are functions of the step). */
function peakRate(context: MethodContext): number {
  const total = context.totalSteps;
  let peak = 0;
  for (let step = 0; step < total; step += Math.max(1, Math.floor(total / 1000))) peak = Math.max(peak, context.schedule.rateAt(step));
  return peak > 0 ? peak : 1;
}

class CatMethod implements TrainingMethod<CatState> {
  readonly name = 'cat';
  readonly controller: CatController;
  private readonly peak: number;
  private blockGradients: Map<string, number> | undefined;
  private settled: Settled | null = null;

  constructor(
    private readonly options: CatOptions,
    private readonly context: MethodContext,
    restored: CatState | undefined,
  ) {
    const { model, inputShape, stepsPerEpoch, totalSteps, device } = context;
    // A resumed run measures with the profile it started with, which its checkpoint keeps.
    const profile = options.latencyProfile === null ? undefined : (restored?.latencyProfile ?? readLatencyProfile(options.latencyProfile));
    this.controller = new CatController(model, inputShape, options, { stepsPerEpoch, totalSteps }, device, restored, profile);
    this.peak = peakRate(context);
  }

  beforeForward(ctx: StepContext): void {
    this.controller.beginStep(ctx.step, ctx.y.size(0), this.context.optimizer);
  }

  afterBackward(ctx: BackwardContext): void {
    if (this.options.layerEstimator !== 'two-point') return;
    const { model } = this.context;
    this.blockGradients = twoPointBlockGradients(this.controller, model, ctx.step, () => E.crossEntropy(model.call(ctx.x), ctx.y).item(), ctx.loss);
  }

  afterUpdate(ctx: BackwardContext): void {
    // The gate step follows the weights' schedule (docs/cat.md): rate over its peak.
    this.controller.endStep(ctx.step, this.context.optimizer, this.blockGradients, ctx.rate / this.peak);
    this.blockGradients = undefined;
  }

  estimates(): StepEstimates {
    const blocks = this.blockGradients;
    const ids = blocks === undefined ? [] : [...blocks.keys()];
    // The gate gradients come from backward, so they travel with the weights' gradients (a tensor
    // scaled like them); the two-point estimates are plain numbers of forward passes.
    const gates = this.controller.stepGradients();
    const carrier = E.tensor(gates.values, { dtype: 'float64' });
    return {
      tensors: gates.values.length > 0 ? [carrier] : [],
      numbers: ids.map((id) => blocks?.get(id) as number),
      set: (averaged) => {
        gates.set(carrier.data() as Float64Array);
        ids.forEach((id, i) => blocks?.set(id, averaged[i] as number));
      },
    };
  }

  discardStep(): void {
    this.blockGradients = undefined;
    this.controller.discardStep();
  }

  callbacks(): [] {
    return [];
  }

  state(): CatState {
    return this.controller.state();
  }

  status(): string {
    return statusLine(this.controller.report());
  }

  epochFields(): Record<string, unknown> {
    return { ...this.controller.report(), gate_sample: gateSample(this.controller) };
  }

  finish(step: number): { changed: boolean } {
    this.settled = this.controller.settle(step, this.context.optimizer);
    // When the gates settled before the last epoch ended, that epoch's evaluation already was of the saved network.
    return { changed: this.settled.step >= step };
  }

  outcome(): MethodOutcome {
    const { model, inputShape, modelName, numClasses, inChannels } = this.context;
    const cat = this.controller;
    const graph = E.noGrad(() => buildStructureGraph(model, inputShape, { residualChannels: this.options.residualChannels }));
    const architecture = describeArchitecture({ model: modelName, inputShape, numClasses, inChannels, network: model, graph, history: cat.history, initialWidths: cat.initial.widths, initialBlocks: cat.initial.blocks });
    return {
      method: this.name,
      baseline: cat.baseline,
      ...architectureCounts(architecture),
      gatesNonBinary: cat.gates.count((t) => t !== 0 && t !== 1),
      gatesRounded: this.settled?.rounded ?? 0,
      gatesInterior: this.settled?.interior ?? 0,
      architecture,
      ...(cat.profile === undefined
        ? {}
        : { latency: { profile: cat.profile, predictedMs: expectedComplexity(graph, ALL_ON, latencyModel(cat.profile)).latency as number, targetMs: this.options.targetLatency } }),
    };
  }

  dispose(): void {
    this.controller.dispose();
  }
}

export function catMethod(options: CatOptions): MethodKind<CatState> {
  return {
    key: 'cat',
    parseState: parseCatState,
    restoreStructure: (model, inputShape, state) => {
      if (state.history.length === 0) return false;
      replayHistory(model, inputShape, state.history);
      return true;
    },
    create: (context, restored) => new CatMethod(options, context, restored),
  };
}
