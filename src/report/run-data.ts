// What a run report shows, read from a run directory: config, epoch log, summary and architecture,
// and a sequence run's data record.
// Logs from older versions lack some fields (gate_sample, the CAT size fields): every field is optional
// here, and a record missing one is left out of the charts that need it.
import { existsSync } from 'node:fs';
import type { Architecture } from '../cat/index.js';
import { readRunData as readDataRecord, RunDirectory, RunDirectoryError, type RunData, type RunSummary, type TrainConfig } from '../train/index.js';

export interface EpochRecord {
  epoch: number;
  step?: number;
  test_acc?: number;
  train_acc?: number;
  train_loss?: number;
  macs?: number;
  params?: number;
  macs_fraction?: number;
  epoch_s?: number;
  /** Training examples (images or sequences) per second, of all workers together and of one (data-parallel runs log both). */
  img_s?: number;
  img_s_per_worker?: number;
  workers?: number;
  alive_blocks?: number;
  total_blocks?: number;
  alive_units?: Record<string, number>;
  gate_sample?: Record<string, number>;
}

export interface RunReportData {
  dir: string;
  config: TrainConfig;
  log: EpochRecord[];
  summary: RunSummary | undefined;
  architecture: Architecture | undefined;
  /** A CAT run whose log holds the pruning fields. */
  cat: boolean;
  /** A sequence run's data record (data.json: shape, classes, saved statistics); null for an image run. */
  sequence: RunData | null;
}

const finite = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

function numberRecord(value: unknown): Record<string, number> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value).filter((entry): entry is [string, number] => finite(entry[1]) !== undefined);
  return Object.fromEntries(entries);
}

function toRecord(raw: Record<string, unknown>): EpochRecord | null {
  const epoch = finite(raw.epoch);
  if (epoch === undefined) return null;
  const record: EpochRecord = { epoch };
  for (const key of ['step', 'test_acc', 'train_acc', 'train_loss', 'macs', 'params', 'macs_fraction', 'epoch_s', 'img_s', 'img_s_per_worker', 'workers', 'alive_blocks', 'total_blocks'] as const) {
    const value = finite(raw[key]);
    if (value !== undefined) record[key] = value;
  }
  const alive = numberRecord(raw.alive_units);
  if (alive !== undefined) record.alive_units = alive;
  const gates = numberRecord(raw.gate_sample);
  if (gates !== undefined) record.gate_sample = gates;
  return record;
}

export function readRunData(dir: string): RunReportData {
  if (!existsSync(dir)) throw new RunDirectoryError(`run directory ${dir} does not exist`);
  const run = new RunDirectory(dir);
  const config = run.readConfig();
  const optional = <T>(name: 'summary' | 'architecture'): T | undefined => (existsSync(run.file(name)) ? run.readJson<T>(name) : undefined);
  const log = run.readLog().map(toRecord).filter((r): r is EpochRecord => r !== null);
  return {
    dir,
    config,
    log,
    summary: optional<RunSummary>('summary'),
    architecture: optional<Architecture>('architecture'),
    cat: config.cat !== null && log.some((r) => r.alive_units !== undefined),
    sequence: readDataRecord(run),
  };
}
