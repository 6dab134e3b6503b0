// The settings of a CAT run: the paper's three knobs (docs/method.md section 3: gamma, alpha, beta under
// names a user can read), catrain's budget target (section 6), and the schedule of the gate updates.
export type LayerEstimator = 'linear' | 'two-point';
export type GateScaling = 'share' | 'none';
export type { Linearisation } from './gate-hooks.js';
import type { Linearisation } from './gate-hooks.js';

export interface CatOptions {
  /** gamma >= 0: accuracy vs complexity; 0 trains the dense network. */
  strength: number;
  /** alpha > 0: layers vs units (1: a MAC is a MAC; > 1 favours removing whole blocks). */
  layerPreference: number;
  /** beta in [0, 1]: FLOPs (1) vs parameter count (0). */
  flopsShare: number;
  /** Final MACs as a fraction of the dense network; gamma is then adjusted during training. */
  targetMacs: number | null;
  targetParams: number | null;
  /** Ablations: only unit gates, or only layer gates. */
  unitsOnly: boolean;
  layersOnly: boolean;
  /** Module-path patterns that are never pruned. */
  protect: string[];
  /** Fewest units a group keeps while its block is present. */
  minUnits: number;
  /** eta_theta; null: a gate with no data signal crosses [0, 1] in `gateCrossEpochs` at strength 1. */
  gateLr: number | null;
  gateCrossEpochs: number;
  /** Epochs of plain training before the gates move. */
  gateWarmupEpochs: number;
  /** How long a theta must sit at 0 before its structure is removed. */
  patienceEpochs: number;
  /** Draw unit gates per example instead of per minibatch. */
  perExampleGates: boolean;
  /** Estimator of the layer gates' gradient. */
  layerEstimator: LayerEstimator;
  /** How a drawn gate's derivative estimates its effect on the loss (see gate-hooks.ts). */
  linearisation: Linearisation;
  /** Divide each gate's step by its initial complexity share ('share') or by the mean share ('none'). */
  gateScaling: GateScaling;
  /** While training, round kept widths up to a multiple of this (spare units held at 0, removed at the end). */
  widthMultiple: number;
  /** Final fraction of training in which the rounded, pruned network trains without gates. */
  settleFraction: number;
  /** With a budget: the fraction of training by which the expected cost reaches the target. */
  pruneBy: number;
}

export const DEFAULT_CAT: CatOptions = {
  strength: 0.1,
  layerPreference: 1,
  flopsShare: 0.5,
  targetMacs: null,
  targetParams: null,
  unitsOnly: false,
  layersOnly: false,
  protect: [],
  minUnits: 1,
  gateLr: null,
  gateCrossEpochs: 1,
  gateWarmupEpochs: 1,
  patienceEpochs: 0.5,
  perExampleGates: false,
  layerEstimator: 'linear',
  linearisation: 'trapezoid',
  gateScaling: 'share',
  widthMultiple: 8,
  settleFraction: 0.1,
  pruneBy: 0.5,
};

/** Every problem with a CAT configuration, each naming the option and the value. */
export function catProblems(o: CatOptions, epochs: number): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, message: string): void => {
    if (!ok) problems.push(message);
  };
  check(Number.isFinite(o.strength) && o.strength >= 0, `--strength must be a number >= 0, got ${o.strength}`);
  check(Number.isFinite(o.layerPreference) && o.layerPreference > 0, `--layer-preference must be a number > 0, got ${o.layerPreference}`);
  check(o.flopsShare >= 0 && o.flopsShare <= 1, `--flops-share must be in [0, 1], got ${o.flopsShare}`);
  for (const [name, value] of [['--target-macs', o.targetMacs], ['--target-params', o.targetParams]] as const) {
    if (value !== null) check(value > 0 && value < 1, `${name} must be a fraction in (0, 1) of the dense network, got ${value}`);
  }
  check(o.targetMacs === null || o.targetParams === null, 'give --target-macs or --target-params, not both');
  check(!(o.unitsOnly && o.layersOnly), '--units-only and --layers-only exclude each other');
  check(Number.isInteger(o.minUnits) && o.minUnits >= 1, `--min-units must be an integer >= 1, got ${o.minUnits}`);
  check(o.gateLr === null || (Number.isFinite(o.gateLr) && o.gateLr > 0), `--gate-lr must be > 0, got ${o.gateLr}`);
  check(o.gateCrossEpochs > 0, `--gate-cross-epochs must be > 0, got ${o.gateCrossEpochs}`);
  check(o.gateWarmupEpochs >= 0 && o.gateWarmupEpochs < epochs, `--gate-warmup-epochs must be in [0, epochs) = [0, ${epochs}), got ${o.gateWarmupEpochs}`);
  check(o.patienceEpochs >= 0, `--patience-epochs must be >= 0, got ${o.patienceEpochs}`);
  check(Number.isInteger(o.widthMultiple) && o.widthMultiple >= 1, `--width-multiple must be an integer >= 1, got ${o.widthMultiple}`);
  check(o.settleFraction >= 0 && o.settleFraction < 1, `--settle-fraction must be in [0, 1), got ${o.settleFraction}`);
  const warmupEnd = o.gateWarmupEpochs / epochs;
  check(o.pruneBy > warmupEnd && o.pruneBy <= 1 - o.settleFraction, `--prune-by must be after the gate warm-up (${warmupEnd.toFixed(2)} of training) and no later than the settle step (${(1 - o.settleFraction).toFixed(2)}), got ${o.pruneBy}`);
  if ((o.targetMacs !== null || o.targetParams !== null) && o.strength === 0) problems.push('a budget target needs --strength > 0 (it is the starting gamma)');
  return problems;
}
