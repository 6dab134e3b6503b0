// Pilot sweeps: reading sweep.json, Pareto fronts and recommendations.
export type { Constraint, FrontCost, SweepFile, SweepPoint, SweepSetting } from './types.js';
export { readSweep, SweepFileError } from './sweep-file.js';
export { paretoFront, pointCost } from './pareto.js';
export { recommend, closestPoint, ruleText, macsLimit, satisfies } from './recommend.js';
export { runSweep, SweepError, type SweepOptions, type SweepResult } from './run-sweep.js';
export { settingName } from './settings.js';
export { fullScaleCommand } from './full-command.js';
export { measureLatency, median, type LatencyOptions } from './latency.js';
