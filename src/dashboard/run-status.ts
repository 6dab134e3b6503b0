// One row of the run list: what a run is (model, dense or CAT) and how far it got, read from its
// config.json, log.jsonl and summary.json (and whether it has data.json) without ever failing on a
// half-written run.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { RunEntry } from './discovery.js';

export type RunStatus = 'running' | 'finished' | 'unfinished';

export interface RunRow {
  id: string;
  name: string;
  model: string;
  data: string;
  method: 'dense' | 'CAT';
  status: RunStatus;
  /** Test top-1 in percent: the summary's, else the last logged epoch's. */
  testAcc: number | null;
  /** MACs kept, as a fraction of the dense network. */
  macsFraction: number | null;
  epochsDone: number;
  epochsPlanned: number | null;
  /** Processes training it (data-parallel workers), as its last logged epoch says; 1 before. */
  workers: number;
  sweepId: string | null;
  /** What one training example is: a sequence run has data.json (written before its first epoch). */
  examples: 'images' | 'sequences';
}

/**
 * A run without summary.json counts as running while its files keep changing: within this window,
 * or within twice its slowest epoch when that is longer. Nothing else tells a live writer from a
 * killed one without a lock file.
 */
export const RUNNING_WINDOW_MS = 10 * 60 * 1000;

type Json = Record<string, unknown>;

function readJson(file: string): Json | null {
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof value === 'object' && value !== null ? (value as Json) : null;
  } catch {
    return null;
  }
}

/** Parses log.jsonl leniently: a torn or damaged line is skipped, it only hides one epoch here. */
export function parseLogRecords(text: string): Json[] {
  const records: Json[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === 'object' && value !== null) records.push(value as Json);
    } catch {
      // A partial line of an epoch still being written.
    }
  }
  return records;
}

function readLog(dir: string): Json[] {
  try {
    return parseLogRecords(readFileSync(path.join(dir, 'log.jsonl'), 'utf8'));
  } catch {
    return [];
  }
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

function lastModified(dir: string): number {
  let latest = 0;
  for (const name of ['log.jsonl', 'checkpoint.safetensors', 'config.json']) {
    try {
      latest = Math.max(latest, statSync(path.join(dir, name)).mtimeMs);
    } catch {
      // Not written yet.
    }
  }
  return latest;
}

function methodOf(config: Json | null, summary: Json | null): 'dense' | 'CAT' {
  if (summary?.method === 'cat') return 'CAT';
  if (summary?.method === 'dense') return 'dense';
  // A run's config.json holds CAT settings exactly when it is a CAT run (a dense run saves cat: null).
  return typeof config?.cat === 'object' && config.cat !== null ? 'CAT' : 'dense';
}

/** The slowest logged epoch in seconds (0 before the first), which widens the running window. */
export function slowestEpochSeconds(log: readonly Json[]): number {
  return Math.max(0, ...log.map((r) => num(r.epoch_s) ?? 0));
}

/** The status from the files alone; `slowestEpochS` comes from the log the caller has read. */
export function runStatus(dir: string, slowestEpochS: number, now = Date.now()): RunStatus {
  try {
    if (statSync(path.join(dir, 'summary.json')).isFile()) return 'finished';
  } catch {
    // No summary: running or unfinished.
  }
  const window = Math.max(RUNNING_WINDOW_MS, 2000 * slowestEpochS);
  return now - lastModified(dir) <= window ? 'running' : 'unfinished';
}

function macsFractionOf(summary: Json | null, last: Json | undefined): number | null {
  const final = summary?.final as Json | undefined;
  const baseline = summary?.baseline as Json | undefined;
  const finalMacs = num(final?.macs);
  const baselineMacs = num(baseline?.macs);
  if (finalMacs !== null && baselineMacs !== null && baselineMacs > 0) return finalMacs / baselineMacs;
  return num(last?.macs_fraction);
}

export function describeRun(entry: RunEntry, now = Date.now()): RunRow {
  const config = readJson(path.join(entry.dir, 'config.json'));
  const summary = readJson(path.join(entry.dir, 'summary.json'));
  const log = readLog(entry.dir);
  const last = log.at(-1);
  return {
    id: entry.id,
    name: entry.id === '.' ? path.basename(entry.dir) : entry.id,
    model: typeof config?.model === 'string' ? config.model : '?',
    data: typeof config?.data === 'string' ? config.data : '?',
    method: methodOf(config, summary),
    status: summary !== null ? 'finished' : runStatus(entry.dir, slowestEpochSeconds(log), now),
    testAcc: num(summary?.test_acc) ?? num(last?.test_acc),
    macsFraction: macsFractionOf(summary, last),
    epochsDone: num(last?.epoch) ?? 0,
    epochsPlanned: num(config?.epochs),
    workers: num(last?.workers) ?? 1,
    sweepId: entry.sweepId,
    examples: isFile(path.join(entry.dir, 'data.json')) ? 'sequences' : 'images',
  };
}
