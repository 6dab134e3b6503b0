// A run directory: config.json, metrics.jsonl, checkpoint.safetensors, model.safetensors, summary.json.
// Files are written whole (temporary file, then rename), so an interrupted run never leaves one torn.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const RUN_FILES = {
  config: 'config.json',
  metrics: 'metrics.jsonl',
  checkpoint: 'checkpoint.safetensors',
  model: 'model.safetensors',
  summary: 'summary.json',
} as const;

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

  writeJson(name: 'config' | 'summary', value: unknown): void {
    const target = this.file(name);
    const temporary = `${target}.tmp-${process.pid}`;
    writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`);
    renameSync(temporary, target);
  }

  readJson<T>(name: 'config' | 'summary'): T {
    const file = this.file(name);
    if (!existsSync(file)) throw new RunDirectoryError(`${file} is missing: ${this.dir} is not a catrain run directory`);
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as T;
    } catch (error) {
      throw new Error(`${file} is not valid JSON (${(error as Error).message})`, { cause: error });
    }
  }
}
