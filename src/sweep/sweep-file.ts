// DIR/sweep.json: read with a clear error for a missing or corrupt file, written whole (temporary
// file, then rename) so an interrupted sweep never leaves it torn.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeTextAtomically } from '../train/index.js';
import type { SweepFile, SweepPoint } from './types.js';

export const SWEEP_FILE = 'sweep.json';

/** A sweep directory that cannot be read (the CLI reports it as a run-directory problem). */
export class SweepFileError extends Error {
  override name = 'SweepFileError';
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function pointProblem(point: unknown, index: number): string | null {
  if (typeof point !== 'object' || point === null) return `points[${index}] is not an object`;
  const p = point as Partial<SweepPoint>;
  if (typeof p.name !== 'string' || typeof p.dir !== 'string') return `points[${index}] lacks a name or dir`;
  for (const key of ['test_acc', 'macs', 'params', 'macs_fraction', 'params_fraction', 'train_seconds'] as const) {
    if (!isNumber(p[key])) return `points[${index}] (${p.name}) has no numeric ${key}`;
  }
  if (!isNumber(p.latency_ms?.batch1) || !isNumber(p.latency_ms?.batch64)) return `points[${index}] (${p.name}) has no latency_ms.batch1/batch64`;
  return null;
}

/** Reads DIR/sweep.json; throws SweepFileError naming the problem when it is absent or malformed. */
export function readSweep(dir: string): SweepFile {
  const file = path.join(dir, SWEEP_FILE);
  if (!existsSync(file)) {
    throw new SweepFileError(existsSync(dir) ? `${dir} holds no ${SWEEP_FILE}: it is not a sweep directory` : `sweep directory ${dir} does not exist`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new SweepFileError(`${file} is not valid JSON (${(error as Error).message})`);
  }
  const sweep = parsed as Partial<SweepFile> | null;
  if (typeof sweep !== 'object' || sweep === null || sweep.format !== 1) throw new SweepFileError(`${file} is not a format-1 sweep file`);
  if (!Array.isArray(sweep.points) || !Array.isArray(sweep.pareto)) throw new SweepFileError(`${file} lacks its points or pareto list`);
  if (typeof sweep.model !== 'string' || typeof sweep.data !== 'string' || !isNumber(sweep.dense?.macs) || !isNumber(sweep.dense?.params)) {
    throw new SweepFileError(`${file} lacks its model, data or dense size`);
  }
  const problem = sweep.points.map(pointProblem).find((p) => p !== null);
  if (problem !== undefined && problem !== null) throw new SweepFileError(`${file}: ${problem}`);
  return sweep as SweepFile;
}

export function writeSweep(dir: string, sweep: SweepFile): void {
  writeTextAtomically(path.join(dir, SWEEP_FILE), `${JSON.stringify(sweep, null, 2)}\n`);
}
