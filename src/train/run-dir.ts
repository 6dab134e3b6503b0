// A run directory: config.json, log.jsonl, checkpoint.safetensors, model.safetensors,
// architecture.json, summary.json.
// Files are written whole (temporary file, then rename), so an interrupted run never leaves one torn.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const RUN_FILES = {
  config: 'config.json',
  log: 'log.jsonl',
  checkpoint: 'checkpoint.safetensors',
  model: 'model.safetensors',
  summary: 'summary.json',
  architecture: 'architecture.json',
} as const;

type JsonFile = 'config' | 'summary' | 'architecture';

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

  /** Throws unless the directory can hold a new run: absent, or empty. */
  checkFresh(): void {
    if (existsSync(this.dir)) {
      const entries = readdirSync(this.dir);
      if (entries.includes(RUN_FILES.config) || entries.includes(RUN_FILES.checkpoint)) {
        throw new RunDirectoryError(`${this.dir} already holds a run: pass --resume to continue it, or choose another --out`);
      }
      if (entries.length > 0) throw new RunDirectoryError(`${this.dir} is not empty: choose a new or empty --out directory`);
    }
  }

  /** Creates the directory for a new run after checkFresh(). */
  createFresh(): void {
    this.checkFresh();
    mkdirSync(this.dir, { recursive: true });
  }

  writeJson(name: JsonFile, value: unknown): void {
    const target = this.file(name);
    const temporary = `${target}.tmp-${process.pid}`;
    writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`);
    renameSync(temporary, target);
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

  /** The epoch records of log.jsonl; a torn last line (a kill mid-write) is skipped. */
  readLog(): Record<string, unknown>[] {
    const file = this.file('log');
    if (!existsSync(file)) return [];
    const records: Record<string, unknown>[] = [];
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        records.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // Only a last line can be torn: appends are whole lines.
      }
    }
    return records;
  }
}
