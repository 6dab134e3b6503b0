// A run directory: config.json (and, for sequence data, data.json), log.jsonl, checkpoint.safetensors,
// model.safetensors, architecture.json, summary.json.
// Files are written whole (temporary file, then rename), so an interrupted run never leaves one torn.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { writeTextAtomically } from './atomic-write.js';
import { savedCatOptions, type CatOptions } from '../cat/index.js';
import { withConfigDefaults, type TrainConfig } from './config.js';

export const RUN_FILES = {
  config: 'config.json',
  log: 'log.jsonl',
  checkpoint: 'checkpoint.safetensors',
  model: 'model.safetensors',
  summary: 'summary.json',
  architecture: 'architecture.json',
  data: 'data.json',
} as const;

type JsonFile = 'config' | 'summary' | 'architecture' | 'data';

/** Names of the temporary files that whole-file writes go through (`NAME.tmp-PID[-RANDOM]`). */
const TEMPORARY = /\.tmp-\d+(-[0-9a-f]+)?$/;

/** A run directory that cannot be used as asked (the CLI reports it as a run-directory problem). */
export class RunDirectoryError extends Error {
  override name = 'RunDirectoryError';
}

export class RunDirectory {
  constructor(readonly dir: string) {}

  file(name: keyof typeof RUN_FILES): string {
    return path.join(this.dir, RUN_FILES[name]);
  }

  get hasCheckpoint(): boolean {
    return existsSync(this.file('checkpoint'));
  }

  has(name: keyof typeof RUN_FILES): boolean {
    return existsSync(this.file(name));
  }

  /**
   * A run that failed before its first checkpoint was written: its config.json, perhaps a log line
   * of an epoch whose checkpoint never landed, nothing to resume from. It can be started again, by
   * `train` or by `train --resume`.
   */
  get isUnstarted(): boolean {
    if (!existsSync(this.dir) || this.hasCheckpoint || !existsSync(this.file('config'))) return false;
    const known = new Set<string>([RUN_FILES.config, RUN_FILES.data, RUN_FILES.log]);
    return readdirSync(this.dir).every((entry) => known.has(entry) || TEMPORARY.test(entry));
  }

  /** Throws unless the directory can hold a new run: absent, empty, or a run that never started. */
  checkFresh(): void {
    if (existsSync(this.dir) && !this.isUnstarted) {
      const entries = readdirSync(this.dir);
      if (entries.includes(RUN_FILES.config) || entries.includes(RUN_FILES.checkpoint)) {
        throw new RunDirectoryError(`${this.dir} already holds a run: pass --resume to continue it, or choose another --out`);
      }
      if (entries.length > 0) throw new RunDirectoryError(`${this.dir} is not empty: choose a new or empty --out directory`);
    }
  }

  /** Creates the directory for a new run after checkFresh(), clearing what a run that never started left. */
  createFresh(): void {
    this.checkFresh();
    if (existsSync(this.dir)) for (const entry of readdirSync(this.dir)) rmSync(path.join(this.dir, entry), { force: true });
    mkdirSync(this.dir, { recursive: true });
  }

  /** Removes temporary files that a killed write left behind (they are never read). */
  removeTemporaries(): void {
    if (!existsSync(this.dir)) return;
    for (const entry of readdirSync(this.dir)) if (TEMPORARY.test(entry)) rmSync(path.join(this.dir, entry), { force: true });
  }

  writeJson(name: JsonFile, value: unknown): void {
    writeTextAtomically(this.file(name), `${JSON.stringify(value, null, 2)}\n`);
  }

  /** config.json, with what options added since the run was written ran with then (else their defaults). */
  readConfig(): TrainConfig {
    const saved = this.readJson<TrainConfig>('config');
    const cat = saved.cat === null || saved.cat === undefined ? saved.cat : (savedCatOptions(saved.cat) as unknown as CatOptions);
    return withConfigDefaults({ ...saved, cat });
  }

  readJson<T>(name: JsonFile): T {
    const file = this.file(name);
    if (!existsSync(file)) throw new RunDirectoryError(`${file} is missing: ${this.dir} is not a catrain run directory`);
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as T;
    } catch (error) {
      throw new Error(`${file} is not valid JSON (${(error as Error).message})`, { cause: error });
    }
  }

  /**
   * The epoch records of log.jsonl. A torn last line (a kill mid-write) is skipped with a warning;
   * a torn line before the last means the file was damaged otherwise, and is an error.
   */
  readLog(): Record<string, unknown>[] {
    const file = this.file('log');
    if (!existsSync(file)) return [];
    const lines = readFileSync(file, 'utf8').split('\n');
    const records: Record<string, unknown>[] = [];
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        records.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        const last = lines.slice(i + 1).every((rest) => rest.trim() === '');
        if (!last) throw new RunDirectoryError(`${file}: line ${i + 1} is not valid JSON; only a last line can be torn by an interrupted write, so the log was damaged otherwise`);
        process.emitWarning(`${file}: skipped a torn last line (the run was killed while writing it)`);
      }
    });
    return records;
  }

  /**
   * Before a resume: keeps the log's records of the epochs the checkpoint has (a kill between the log
   * line and the checkpoint would otherwise log an epoch twice), drops a torn last line, and rewrites
   * the file whole, so the resumed run appends to clean lines.
   */
  trimLog(epochsDone: number): void {
    const file = this.file('log');
    if (!existsSync(file)) return;
    const kept = this.readLog().filter((record) => Number(record.epoch) <= epochsDone);
    writeTextAtomically(file, kept.map((record) => `${JSON.stringify(record)}\n`).join(''));
  }
}
