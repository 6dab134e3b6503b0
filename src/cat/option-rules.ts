// Checking and completing CAT options by the table's rows: each row checks its own value, a few rules
// check options against each other, and options a user left unset take what their row says.
import { CAT_OPTION_FIELDS, optionLabel, optionRow, type CatOptions, type RunLength } from './options.js';

/** Rules between options, each naming every option it involves. */
const CROSS_CHECKS: ((o: CatOptions, run: RunLength) => string | null)[] = [
  (o) => {
    const budgets = (['targetMacs', 'targetParams', 'targetLatency'] as const).filter((f) => o[f] !== null);
    return budgets.length <= 1 ? null : `give one budget, not ${budgets.map(optionLabel).join(' and ')}`;
  },
  (o) => (o.targetLatency === null || o.latencyProfile !== null ? null : `${optionLabel('targetLatency')} needs ${optionLabel('latencyProfile')}: measure one with \`catrain latency-profile --model M --batch B --out FILE\``),
  (o) => (o.unitsOnly && o.layersOnly ? `${optionLabel('unitsOnly')} and ${optionLabel('layersOnly')} exclude each other` : null),
  (o, run) => {
    const warmupEnd = o.gateWarmupEpochs / run.epochs;
    const ok = o.pruneBy > warmupEnd && o.pruneBy <= 1 - o.settleFraction;
    return ok
      ? null
      : `${optionLabel('pruneBy')} must be after the gate warm-up (${warmupEnd.toFixed(2)} of training, ${optionLabel('gateWarmupEpochs')}) and no later than the settle step (${(1 - o.settleFraction).toFixed(2)}, ${optionLabel('settleFraction')}), got ${o.pruneBy}`;
  },
];

/** Every problem with a CAT configuration, each naming the option (field and flag) and the value. */
export function catProblems(o: CatOptions, epochs: number): string[] {
  const run = { epochs };
  const own = CAT_OPTION_FIELDS.map((field) => optionRow(field).check(o[field], run));
  const problems = own.filter((p): p is string => p !== null);
  // Cross checks read valid fields only: one bad value gives one message, not a cascade.
  if (problems.length > 0) return problems;
  return CROSS_CHECKS.map((check) => check(o, run)).filter((p): p is string => p !== null);
}

/** Completes the options a user set: unset ones take their default, or the value their row derives. */
export function resolveCatOptions(given: Readonly<Partial<CatOptions>>, run: RunLength): CatOptions {
  const resolved: Record<string, unknown> = {};
  for (const field of CAT_OPTION_FIELDS) {
    const r = optionRow(field);
    resolved[field] = given[field] !== undefined ? given[field] : r.unset !== undefined ? r.unset(given, run, r.default) : structuredClone(r.default);
  }
  return resolved as CatOptions;
}
