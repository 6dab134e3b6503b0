// Pilot sweeps: reading sweep.json, Pareto fronts and recommendations.
export type { Constraint, FrontCost, SweepFile, SweepPoint, SweepSetting } from './types.js';
export { readSweep, SweepFileError } from './sweep-file.js';
export { paretoFront } from './pareto.js';
export { recommend, closestPoint } from './recommend.js';
