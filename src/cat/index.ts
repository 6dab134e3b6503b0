// Complexity-Aware Training (docs/method.md): the structure graph, expected complexity, gates, the gate
// update, budget targeting, pruning decisions and physical surgery.
export { buildStructureGraph, deriveStructure } from './graph.js';
export type { StructureGraph, UnitGroup, CountedLayer, NormLayer, ResidualSite } from './graph-types.js';
export { expectedComplexity, ALL_ON, type GateProbabilities, type ExpectedComplexity, type ComplexityGradient } from './complexity.js';
export { GateState, isProtected, type GateRecord, type GateSelection } from './gate-state.js';
export { GateMultipliers } from './gate-hooks.js';
export { coefficients, complexityShares, projectedStep, isRemovable, type Knobs, type Baseline, type Shares } from './update.js';
export { adjustGamma, targetAt, BUDGET_MARGIN, type BudgetTarget, type BudgetSchedule } from './budget.js';
export { keepUnits, removeBlock, applyEvents, batchesOf, type PruneEvent, type SurgeryFollower } from './surgery.js';
export { replayHistory } from './replay.js';
export { CatController, type CatState, type CatReport, type CatSchedule } from './controller.js';
export { DEFAULT_CAT, catProblems, type CatOptions, type LayerEstimator, type GateScaling } from './options.js';
export { describeArchitecture, type Architecture } from './architecture.js';
