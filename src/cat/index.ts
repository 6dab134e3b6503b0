// Complexity-Aware Training (docs/method.md): the structure graph, expected complexity, gates, the gate
// update, budget targeting, pruning decisions and physical surgery.
export { buildStructureGraph, deriveStructure } from './graph.js';
export type { StructureGraph, UnitGroup, CountedLayer, NormLayer, ResidualSite, GateSite, GraphOptions } from './graph-types.js';
export { expectedComplexity, ALL_ON, type GateProbabilities, type ExpectedComplexity, type ComplexityGradient } from './complexity.js';
export { GateState, isProtected, type GateRecord, type GateRecordView, type GateSelection, type GateView } from './gate-state.js';
export { GateMultipliers } from './gate-hooks.js';
export { coefficients, complexityShares, projectedStep, isRemovable, referenceScale, weighedCost, type Knobs, type Baseline, type Shares } from './update.js';
export { adjustGamma, targetAt, BUDGET_MARGIN, type BudgetTarget, type BudgetSchedule } from './budget.js';
export { keepUnits, removeBlock, applyEvents, batchesOf, type PruneEvent, type SurgeryFollower } from './surgery.js';
export { replayHistory } from './replay.js';
export { CatController } from './controller.js';
export { parseCatState, CatStateError, type CatState, type Settled } from './state.js';
export { statusLine, type CatReport } from './report.js';
export { catTimeline, type CatSchedule, type CatTimeline } from './timeline.js';
export { decideRemoval, trackingRule, landingRule, type Removal, type RemovalRule, type SpareChange } from './removal.js';
export { costFraction, deployedSize, sizeWithout, type CostKind, type Size } from './cost.js';
export { twoPointBlockGradients } from './two-point.js';
export { gateSample, sampledGates, GATE_SAMPLE_LIMITS, type SampledGate } from './gate-sample.js';
export {
  CAT_OPTIONS,
  CAT_OPTION_FIELDS,
  DEFAULT_CAT,
  optionLabel,
  optionRow,
  savedCatOptions,
  type CatOptions,
  type GateScaling,
  type LayerEstimator,
  type OptionRow,
  type OptionValue,
  type RunLength,
  type ResidualChannels,
} from './options.js';
export { catProblems, resolveCatOptions } from './option-rules.js';
export { describeArchitecture, architectureCounts, type Architecture } from './architecture.js';
export { checkedLatencyProfile, latencyModel, layerMs, unprofiledLayers, LatencyProfileError, LATENCY_RUNTIMES, type LatencyProfile, type LatencyModel, type LayerLatency, type LatencyRuntime, type ProfiledLayer, type LatencySample } from './latency.js';
