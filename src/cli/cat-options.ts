// The CAT options of `catrain train`: the three knobs (docs/method.md's gamma, alpha, beta), a budget,
// the ablations, user constraints and the gate schedule; parsed into CatOptions.
import type { Command } from 'commander';
import { DEFAULT_CAT, type CatOptions } from '../cat/index.js';
import { badArgument } from './errors.js';
import { numberIn, oneOf, positiveInt } from './options.js';

export interface CatCliOptions {
  dense?: boolean;
  strength: number;
  layerPreference: number;
  flopsShare: number;
  targetMacs?: number;
  targetParams?: number;
  unitsOnly?: boolean;
  layersOnly?: boolean;
  protect: string[];
  minUnits: number;
  gateLr?: number;
  gateCrossEpochs: number;
  gateWarmupEpochs: number;
  patienceEpochs: number;
  perExampleGates?: boolean;
  layerEstimator: CatOptions['layerEstimator'];
  linearisation: CatOptions['linearisation'];
  gateScaling: CatOptions['gateScaling'];
  widthMultiple: number;
  settleFraction: number;
  pruneBy: number;
}

/** CLI option key -> CatOptions field, for the resume conflict check. */
export const CAT_OPTION_FIELDS: Record<string, keyof CatOptions> = {
  strength: 'strength',
  layerPreference: 'layerPreference',
  flopsShare: 'flopsShare',
  targetMacs: 'targetMacs',
  targetParams: 'targetParams',
  unitsOnly: 'unitsOnly',
  layersOnly: 'layersOnly',
  protect: 'protect',
  minUnits: 'minUnits',
  gateLr: 'gateLr',
  gateCrossEpochs: 'gateCrossEpochs',
  gateWarmupEpochs: 'gateWarmupEpochs',
  patienceEpochs: 'patienceEpochs',
  perExampleGates: 'perExampleGates',
  layerEstimator: 'layerEstimator',
  linearisation: 'linearisation',
  gateScaling: 'gateScaling',
  widthMultiple: 'widthMultiple',
  settleFraction: 'settleFraction',
  pruneBy: 'pruneBy',
};

const nonNegative = (name: string) => numberIn(name, 0, 1e6);
const fraction = (name: string) => numberIn(name, 0, 1, { exclusiveMin: true });

function patterns(value: string, previous: string[]): string[] {
  const parts = value.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0) throw badArgument(`--protect needs a module-path pattern such as 'layer3.*' or 'conv1', got '${value}'`);
  return [...previous, ...parts];
}

export function addCatOptions(command: Command): Command {
  const d = DEFAULT_CAT;
  return command
    .option('--strength <gamma>', 'CAT: accuracy vs complexity (gamma); larger prunes more, 0 trains the dense network', nonNegative('--strength'), d.strength)
    .option('--dense', 'train without pruning (same as --strength 0)')
    .option('--layer-preference <alpha>', 'CAT: layers vs units (alpha); > 1 favours removing whole residual blocks', numberIn('--layer-preference', 0, 1e6, { exclusiveMin: true }), d.layerPreference)
    .option('--flops-share <beta>', 'CAT: weight of MACs (1) against parameters (0) in the cost (beta); default 0.5, or 1 with --target-macs and 0 with --target-params', numberIn('--flops-share', 0, 1), d.flopsShare)
    .option('--target-macs <fraction>', 'prune to this fraction of the dense MACs (gamma is adjusted during training)', fraction('--target-macs'))
    .option('--target-params <fraction>', 'prune to this fraction of the dense parameters', fraction('--target-params'))
    .option('--units-only', 'ablation: prune units/filters only (layer gates fixed at 1)')
    .option('--layers-only', 'ablation: prune whole residual blocks only (unit gates fixed at 1)')
    .option('--protect <patterns>', "never prune matching layers or blocks: module paths with '*', comma-separated or repeated (e.g. 'layer3.*')", patterns, [] as string[])
    .option('--min-units <n>', 'fewest units a layer keeps while its block is present', positiveInt('--min-units'), d.minUnits)
    .option('--gate-lr <eta>', 'gate learning rate eta_theta (default: a gate with no data signal crosses [0, 1] in --gate-cross-epochs)', numberIn('--gate-lr', 0, 1e6, { exclusiveMin: true }))
    .option('--gate-cross-epochs <n>', 'sets the default gate learning rate', numberIn('--gate-cross-epochs', 0, 1e6, { exclusiveMin: true }), d.gateCrossEpochs)
    .option('--gate-warmup-epochs <n>', 'epochs of plain training before the gates move', nonNegative('--gate-warmup-epochs'), d.gateWarmupEpochs)
    .option('--patience-epochs <n>', 'epochs a gate must sit at 0 before its structure is removed', nonNegative('--patience-epochs'), d.patienceEpochs)
    .option('--per-example-gates', 'draw unit gates per example instead of per minibatch')
    .option('--layer-estimator <name>', "layer-gate gradient: 'linear' (derivative) or 'two-point' (one extra forward per block)", oneOf('--layer-estimator', ['linear', 'two-point'] as const), d.layerEstimator)
    .option('--linearisation <name>', "how a drawn gate's derivative estimates its effect: 'trapezoid' (reweighted by the draw's probability) or 'tangent' (the plain derivative)", oneOf('--linearisation', ['trapezoid', 'tangent'] as const), d.linearisation)
    .option('--gate-scaling <name>', "step of each gate divided by its own complexity share ('share') or the mean share ('none')", oneOf('--gate-scaling', ['share', 'none'] as const), d.gateScaling)
    .option('--width-multiple <n>', 'while training, round kept widths up to a multiple of n (spares held at 0; they join the network when the gates settle, or go if training ends first)', positiveInt('--width-multiple'), d.widthMultiple)
    .option('--settle-fraction <f>', 'final fraction of training in which the gates are rounded and the pruned network trains deterministically', numberIn('--settle-fraction', 0, 0.99), d.settleFraction)
    .option('--prune-by <f>', 'with a budget: fraction of training by which the expected cost reaches the target (earlier is cheaper to train)', fraction('--prune-by'), d.pruneBy);
}

/**
 * CatOptions from the parsed flags, or null for a dense run. Schedule lengths left at their defaults
 * are capped at a quarter of a short run each, so `--epochs 2` still gives the gates time to move.
 */
export function toCatOptions(o: CatCliOptions, epochs: number, isDefault: (option: keyof CatCliOptions) => boolean): CatOptions | null {
  const capped = (option: 'gateWarmupEpochs' | 'gateCrossEpochs' | 'patienceEpochs'): number => (isDefault(option) ? Math.min(o[option], epochs / 4) : o[option]);
  if (o.dense === true || o.strength === 0) {
    if (o.targetMacs !== undefined || o.targetParams !== undefined) throw badArgument('a budget target (--target-macs/--target-params) needs CAT: drop --dense / --strength 0');
    return null;
  }
  return {
    strength: o.strength,
    layerPreference: o.layerPreference,
    // A budget names the cost that matters; unless told otherwise, the gates weigh that cost alone.
    flopsShare: isDefault('flopsShare') && o.targetMacs !== undefined ? 1 : isDefault('flopsShare') && o.targetParams !== undefined ? 0 : o.flopsShare,
    targetMacs: o.targetMacs ?? null,
    targetParams: o.targetParams ?? null,
    unitsOnly: o.unitsOnly === true,
    layersOnly: o.layersOnly === true,
    protect: o.protect,
    minUnits: o.minUnits,
    gateLr: o.gateLr ?? null,
    gateCrossEpochs: capped('gateCrossEpochs'),
    gateWarmupEpochs: capped('gateWarmupEpochs'),
    patienceEpochs: capped('patienceEpochs'),
    perExampleGates: o.perExampleGates === true,
    layerEstimator: o.layerEstimator,
    linearisation: o.linearisation,
    gateScaling: o.gateScaling,
    widthMultiple: o.widthMultiple,
    settleFraction: o.settleFraction,
    pruneBy: o.pruneBy,
  };
}
