// Output files appear whole or not at all: everything is written under a temporary name beside the
// target and renamed into place, and the temporary is removed when anything fails.
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

/** The target exists and overwriting was not asked for, or its folder cannot hold it. */
export class ExportOutputError extends Error {
  override name = 'ExportOutputError';
}

// Resolved, so that a folder given as `web/` gets its temporary beside it, not inside it.
const temporaryName = (target: string): string => `${path.resolve(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;

function checkTarget(target: string, overwrite: boolean): void {
  const parent = path.dirname(path.resolve(target));
  if (!existsSync(parent) || !statSync(parent).isDirectory()) throw new ExportOutputError(`cannot write ${target}: its folder ${parent} does not exist`);
  if (existsSync(target) && !overwrite) throw new ExportOutputError(`${target} already exists`);
}

function explain(target: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return new ExportOutputError(`cannot write ${target}: permission denied (${code})`);
  if (code === 'ENOSPC') return new ExportOutputError(`cannot write ${target}: no space left on the device`);
  return error instanceof Error ? error : new Error(String(error));
}

/** Writes one file atomically. */
export function writeFileWhole(target: string, bytes: Uint8Array | string, overwrite: boolean): void {
  checkTarget(target, overwrite);
  const temporary = temporaryName(target);
  try {
    writeFileSync(temporary, bytes, { flag: 'wx' });
    if (overwrite && existsSync(target) && statSync(target).isDirectory()) rmSync(target, { recursive: true });
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw explain(target, error);
  }
}

/** Writes a folder of files: filled under a temporary name, then renamed to `target`. */
export function writeFolderWhole(target: string, files: Readonly<Record<string, Uint8Array | string>>, overwrite: boolean): void {
  checkTarget(target, overwrite);
  const temporary = temporaryName(target);
  try {
    mkdirSync(temporary);
    for (const [name, bytes] of Object.entries(files)) writeFileSync(path.join(temporary, name), bytes);
    if (overwrite && existsSync(target)) {
      // Move the old output aside first so a failure before the swap leaves it in place.
      const old = temporaryName(target);
      renameSync(target, old);
      renameSync(temporary, target);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(temporary, target);
    }
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    throw explain(target, error);
  }
}
