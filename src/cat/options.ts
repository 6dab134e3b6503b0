// The settings of a CAT run in one table (docs/method.md section 3: gamma, alpha, beta under names a
// user can read; section 6: catrain's budget; then the ablations, the user's constraints and the gate
// schedule). A row holds everything about one option: its default, its command-line flag and help,
// its check, and whether `--resume` may change it. The CatOptions type, DEFAULT_CAT, the problem
// messages (option-rules.ts) and the CLI's flags are all derived from the rows, so a new option is one
// new row.
import type { Linearisation } from './gate-hooks.js';
import type { ResidualChannels } from './graph-types.js';
import type { NarrowGroups } from './widths.js';

export type { Linearisation } from './gate-hooks.js';
export type { ResidualChannels } from './graph-types.js';
export type { NarrowGroups } from './widths.js';
export type LayerEstimator = 'linear' | 'two-point';
export type GateScaling = 'share' | 'none';

/** How the command line reads an option's value. */
export type OptionValue =
  | { kind: 'number' }
  | { kind: 'integer' }
  | { kind: 'flag' }
  | { kind: 'choice'; choices: readonly string[] }
  /** A file, made absolute where it is given. */
  | { kind: 'path' }
  /** Comma-separated strings; the flag may be repeated and the lists add up. */
  | { kind: 'list' };

/** The facts of a run that some defaults and checks depend on. */
export interface RunLength {
  epochs: number;
}

export interface OptionRow<T> {
  default: T;
  /** The flag with its value name, in commander's syntax: '--strength <gamma>', '--units-only'. */
  flag: string;
  help: string;
  value: OptionValue;
  /** What is wrong with a value on its own (the message names the option), or null. */
  check: (value: T, run: RunLength) => string | null;
  /** Whether `--resume` may give a value other than the run's (false: the run's setting stands). */
  resumable: boolean;
  /**
   * The value when the user does not set the option, if it depends on what they did set or on the
   * run's length (the command line and sweeps use it; DEFAULT_CAT holds the plain default).
   */
  unset?: (given: GivenOptions, run: RunLength, plainDefault: T) => T;
  /** What a run saved before the option existed ran with, where that differs from the default. */
  before?: T;
}

/** The options a user set, as the rows see them (typed loosely: the rows define CatOptions). */
export type GivenOptions = Readonly<Record<string, unknown>>;

const row = <T>(r: OptionRow<T>): OptionRow<T> => r;

// The rows name options by string: typing them by CatOptions would make the table define itself.
const labelOf = (field: string): string => `${field} (${(CAT_OPTIONS as Record<string, OptionRow<unknown>>)[field]?.flag.split(' ')[0] ?? '?'})`;
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const problem = (field: string, ok: boolean, rule: string, value: unknown): string | null => (ok ? null : `${labelOf(field)} must be ${rule}, got ${JSON.stringify(value)}`);
/**
 * Schedule lengths left unset are capped at a tenth of a short run, so a 3-epoch pilot warms up,
 * prunes by --prune-by and fine-tunes as a long run does (docs/results.md, "Short pilots").
 */
const tenthOfRun = (_: GivenOptions, run: RunLength, plain: number): number => Math.min(plain, run.epochs / 10);
const numberRow = { kind: 'number' } as const;
const hasBudget = (given: GivenOptions): boolean => given.targetMacs != null || given.targetParams != null || given.targetLatency != null;
/** --layer-preference and --settle-fraction for a run with a budget, unless set. */
const BUDGET_LAYER_PREFERENCE = 4;
const BUDGET_PRUNE_BY = 0.15;
/**
 * --prune-by unless set: 0.15 of the run (measured best, docs/results.md), but never before the gate
 * warm-up has ended and the gates have had a twentieth of the run to move.
 */
function budgetPruneBy(given: GivenOptions, run: RunLength): number {
  const warmup = typeof given.gateWarmupEpochs === 'number' ? given.gateWarmupEpochs : Math.min(CAT_OPTIONS.gateWarmupEpochs.default, run.epochs / 10);
  return Math.min(0.9, Math.max(BUDGET_PRUNE_BY, warmup / run.epochs + 0.05));
}
const BUDGET_SETTLE_FRACTION = 0.75;
const fixed = { resumable: false } as const;

export const CAT_OPTIONS = {
  strength: row<number>({
    default: 0.1,
    flag: '--strength <gamma>',
    help: 'CAT: accuracy vs complexity (gamma); larger prunes more, 0 trains the dense network (as --dense)',
    value: numberRow,
    check: (v) => problem('strength', finite(v) && v > 0, 'a number > 0 (a dense run has no CAT options: cat null, --dense)', v),
    ...fixed,
  }),
  layerPreference: row<number>({
    default: 1,
    flag: '--layer-preference <alpha>',
    help: 'CAT: layers vs units (alpha); > 1 favours removing whole residual blocks (unset: 4 with a budget, else 1)',
    value: numberRow,
    check: (v) => problem('layerPreference', finite(v) && v > 0, 'a number > 0', v),
    ...fixed,
    // Measured with budgets only (docs/results.md): on cifar-quick and the short pilots, blocks
    // favoured 4:1 kept more accuracy at the same MACs.
    unset: (given, _run, plain): number => (hasBudget(given) ? BUDGET_LAYER_PREFERENCE : plain),
  }),
  flopsShare: row<number>({
    default: 0.5,
    flag: '--flops-share <beta>',
    help: 'CAT: weight of MACs (1) against parameters (0) in the cost (beta); unset, 1 with --target-macs, 0 with --target-params, else 0.5',
    value: numberRow,
    check: (v) => problem('flopsShare', finite(v) && v >= 0 && v <= 1, 'a number in [0, 1]', v),
    ...fixed,
    // A budget names the cost that matters; unless told otherwise, the gates weigh that cost alone.
    unset: (given): number => (given.targetMacs != null || given.targetLatency != null ? 1 : given.targetParams != null ? 0 : 0.5),
  }),
  targetMacs: row<number | null>({
    default: null,
    flag: '--target-macs <fraction>',
    help: 'prune to this fraction of the dense MACs (gamma is adjusted during training)',
    value: numberRow,
    check: (v) => problem('targetMacs', v === null || (finite(v) && v > 0 && v < 1), 'a fraction in (0, 1) of the dense network', v),
    ...fixed,
  }),
  targetLatency: row<number | null>({
    default: null,
    flag: '--target-latency <ms>',
    help: "prune until the network answers in this many milliseconds on the --latency-profile's runtime and batch",
    value: numberRow,
    check: (v) => problem('targetLatency', v === null || (finite(v) && v > 0), 'a positive number of milliseconds', v),
    ...fixed,
  }),
  latencyProfile: row<string | null>({
    default: null,
    flag: '--latency-profile <file>',
    help: "measure compute as latency on a runtime (a `catrain latency-profile` file) instead of MACs, in the cost and with --target-latency; the run keeps the profile's coefficients",
    value: { kind: 'path' },
    check: (v) => problem('latencyProfile', v === null || (typeof v === 'string' && v !== ''), 'the path of a latency profile', v),
    ...fixed,
  }),
  targetParams: row<number | null>({
    default: null,
    flag: '--target-params <fraction>',
    help: 'prune to this fraction of the dense parameters',
    value: numberRow,
    check: (v) => problem('targetParams', v === null || (finite(v) && v > 0 && v < 1), 'a fraction in (0, 1) of the dense network', v),
    ...fixed,
  }),
  unitsOnly: row<boolean>({
    default: false,
    flag: '--units-only',
    help: 'ablation: prune units/filters only (layer gates fixed at 1)',
    value: { kind: 'flag' },
    check: (v) => problem('unitsOnly', typeof v === 'boolean', 'true or false', v),
    ...fixed,
  }),
  layersOnly: row<boolean>({
    default: false,
    flag: '--layers-only',
    help: 'ablation: prune whole residual blocks only (unit gates fixed at 1)',
    value: { kind: 'flag' },
    check: (v) => problem('layersOnly', typeof v === 'boolean', 'true or false', v),
    ...fixed,
  }),
  protect: row<string[]>({
    default: [],
    flag: '--protect <patterns>',
    help: "never prune matching layers or blocks: module paths with '*', comma-separated or repeated (e.g. 'layer3.*')",
    value: { kind: 'list' },
    check: (v) => problem('protect', Array.isArray(v) && v.every((p) => typeof p === 'string' && p.trim() !== ''), "a list of module-path patterns such as 'layer3.*' or 'conv1'", v),
    ...fixed,
  }),
  residualChannels: row<ResidualChannels>({
    default: 'coupled',
    flag: '--residual-channels <mode>',
    help: "channels joined by residual sums (a stage's width, the stem, shortcut projections): 'coupled' prunes each such set as one group, 'fixed' keeps them whole (catrain before coupled groups)",
    value: { kind: 'choice', choices: ['coupled', 'fixed'] },
    check: (v) => problem('residualChannels', v === 'coupled' || v === 'fixed', 'one of coupled, fixed', v),
    ...fixed,
    before: 'fixed',
  }),
  minUnits: row<number>({
    default: 1,
    flag: '--min-units <n>',
    help: 'fewest units a layer keeps while its block is present',
    value: { kind: 'integer' },
    check: (v) => problem('minUnits', Number.isInteger(v) && v >= 1, 'an integer >= 1', v),
    ...fixed,
  }),
  gateLr: row<number | null>({
    default: null,
    flag: '--gate-lr <eta>',
    help: 'gate learning rate eta_theta (unset: a gate with no data signal crosses [0, 1] in --gate-cross-epochs)',
    value: numberRow,
    check: (v) => problem('gateLr', v === null || (finite(v) && v > 0), 'a number > 0', v),
    ...fixed,
  }),
  gateCrossEpochs: row<number>({
    default: 1,
    flag: '--gate-cross-epochs <n>',
    help: 'sets the default gate learning rate (unset: 1, at most a tenth of the run)',
    value: numberRow,
    check: (v) => problem('gateCrossEpochs', finite(v) && v > 0, 'a number > 0', v),
    ...fixed,
    unset: tenthOfRun,
  }),
  gateWarmupEpochs: row<number>({
    default: 1,
    flag: '--gate-warmup-epochs <n>',
    help: 'epochs of plain training before the gates move (unset: 1, at most a tenth of the run)',
    value: numberRow,
    check: (v, run) => problem('gateWarmupEpochs', finite(v) && v >= 0 && v < run.epochs, `in [0, epochs) = [0, ${run.epochs})`, v),
    ...fixed,
    unset: tenthOfRun,
  }),
  patienceEpochs: row<number>({
    default: 0.5,
    flag: '--patience-epochs <n>',
    help: 'epochs a gate must sit at 0 before its structure is removed (unset: 0.5, at most a tenth of the run)',
    value: numberRow,
    check: (v) => problem('patienceEpochs', finite(v) && v >= 0, 'a number >= 0', v),
    ...fixed,
    unset: tenthOfRun,
  }),
  perExampleGates: row<boolean>({
    default: false,
    flag: '--per-example-gates',
    help: 'draw unit gates per example instead of per minibatch',
    value: { kind: 'flag' },
    check: (v) => problem('perExampleGates', typeof v === 'boolean', 'true or false', v),
    ...fixed,
  }),
  layerEstimator: row<LayerEstimator>({
    default: 'linear',
    flag: '--layer-estimator <name>',
    help: "layer-gate gradient: 'linear' (derivative) or 'two-point' (one extra forward per block)",
    value: { kind: 'choice', choices: ['linear', 'two-point'] },
    check: (v) => problem('layerEstimator', v === 'linear' || v === 'two-point', 'one of linear, two-point', v),
    ...fixed,
  }),
  linearisation: row<Linearisation>({
    default: 'trapezoid',
    flag: '--linearisation <name>',
    help: "how a drawn gate's derivative estimates its effect: 'trapezoid' (reweighted by the draw's probability) or 'tangent' (the plain derivative)",
    value: { kind: 'choice', choices: ['trapezoid', 'tangent'] },
    check: (v) => problem('linearisation', v === 'trapezoid' || v === 'tangent', 'one of trapezoid, tangent', v),
    ...fixed,
  }),
  gateScaling: row<GateScaling>({
    default: 'share',
    flag: '--gate-scaling <name>',
    help: "step of each gate divided by its own complexity share ('share') or the mean share ('none')",
    value: { kind: 'choice', choices: ['share', 'none'] },
    check: (v) => problem('gateScaling', v === 'share' || v === 'none', 'one of share, none', v),
    ...fixed,
  }),
  widthMultiple: row<number>({
    default: 8,
    flag: '--width-multiple <n>',
    help: 'while training, round kept widths up to a multiple of n (spares held at 0; they join the network when the gates settle, or go if training ends first)',
    value: { kind: 'integer' },
    check: (v) => problem('widthMultiple', Number.isInteger(v) && v >= 1, 'an integer >= 1', v),
    ...fixed,
  }),
  narrowGroups: row<NarrowGroups>({
    default: 'halve',
    flag: '--narrow-groups <rule>',
    help: "a group narrower than two width multiples: 'halve' rounds it to the multiple halved until it holds two (a 6-filter layer to 2), 'whole' to the whole multiple (catrain before 2026-12-04)",
    value: { kind: 'choice', choices: ['halve', 'whole'] },
    check: (v) => problem('narrowGroups', v === 'halve' || v === 'whole', 'one of halve, whole', v),
    ...fixed,
    before: 'whole',
  }),
  settleFraction: row<number>({
    default: 0.1,
    flag: '--settle-fraction <f>',
    help: 'final fraction of training in which the gates are rounded and the pruned network trains deterministically (unset: with a budget 0.75, or 0.9 - --prune-by if that is less; else 0.1)',
    value: numberRow,
    check: (v) => problem('settleFraction', finite(v) && v >= 0 && v < 1, 'in [0, 1)', v),
    ...fixed,
    // A budget is reached by --prune-by; the pruned network then learns best with most of the run
    // left to it (docs/results.md, "Short pilots"). Without one, the strength alone moves the gates,
    // which takes most of the run. A later --prune-by given alone still leaves the budget a tenth of
    // the run to hold before the gates settle.
    unset: (given, run, plain): number => {
      if (!hasBudget(given)) return plain;
      const pruneBy = typeof given.pruneBy === 'number' ? given.pruneBy : budgetPruneBy(given, run);
      return Math.max(0, Math.min(BUDGET_SETTLE_FRACTION, 0.9 - pruneBy));
    },
  }),
  pruneBy: row<number>({
    default: 0.5,
    flag: '--prune-by <f>',
    help: 'with a budget: fraction of training by which the expected cost reaches the target (earlier is cheaper to train; unset: 0.15, or just after a later gate warm-up)',
    value: numberRow,
    check: (v) => problem('pruneBy', finite(v) && v > 0 && v <= 1, 'a fraction in (0, 1]', v),
    ...fixed,
    unset: (given, run, plain): number => (hasBudget(given) ? budgetPruneBy(given, run) : plain),
  }),
};

type Rows = typeof CAT_OPTIONS;
/** The settings of a CAT run, one field per row of CAT_OPTIONS. */
export type CatOptions = { [K in keyof Rows]: Rows[K] extends OptionRow<infer T> ? T : never };

/** `field (--flag)`: how every message names an option, for library and command-line users alike. */
export const optionLabel = (field: keyof CatOptions): string => labelOf(field);

export const CAT_OPTION_FIELDS = Object.keys(CAT_OPTIONS) as (keyof CatOptions)[];

/** A row by field, typed by its value. */
export const optionRow = <K extends keyof CatOptions>(field: K): OptionRow<CatOptions[K]> => CAT_OPTIONS[field] as unknown as OptionRow<CatOptions[K]>;

export const DEFAULT_CAT: CatOptions = Object.fromEntries(CAT_OPTION_FIELDS.map((field) => [field, structuredClone(CAT_OPTIONS[field].default)])) as CatOptions;

/**
 * A saved run's CAT settings with what it ran with filled in for options that did not exist when it
 * was saved (a saved config holds every option of its version), so it resumes as it trained.
 */
export function savedCatOptions(saved: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const filled: Record<string, unknown> = { ...saved };
  for (const [field, r] of Object.entries(CAT_OPTIONS) as [string, OptionRow<unknown>][]) if (!(field in saved) && r.before !== undefined) filled[field] = structuredClone(r.before);
  return filled;
}
