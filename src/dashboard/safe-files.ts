// Which files of a run directory the dashboard serves, and the containment check every read goes
// through: the file's real path (symlinks resolved) must lie inside the dashboard's root.
import { realpath } from 'node:fs/promises';
import path from 'node:path';

/**
 * The run files anyone may read. Weights and checkpoints (model.safetensors,
 * checkpoint.safetensors) are left out on purpose: they are large and are the trained model itself.
 */
export const SERVED_RUN_FILES: Readonly<Record<string, string>> = {
  'config.json': 'application/json; charset=utf-8',
  'log.jsonl': 'application/x-ndjson; charset=utf-8',
  'summary.json': 'application/json; charset=utf-8',
  'architecture.json': 'application/json; charset=utf-8',
  // A sequence run's shape, class names and the statistics its inputs are normalised with.
  'data.json': 'application/json; charset=utf-8',
};

/** True when `target` is `root` or lies below it (both real paths). */
export function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  if (relative === '') return true;
  return relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

/**
 * The real path of `name` inside the real directory `dir`, or null when it is not an allowed name,
 * does not exist, or resolves (through a symlink) outside `root`.
 */
export async function containedFile(root: string, dir: string, name: string): Promise<string | null> {
  if (!Object.hasOwn(SERVED_RUN_FILES, name)) return null;
  try {
    const real = await realpath(path.join(dir, name));
    return isInside(root, real) ? real : null;
  } catch {
    return null;
  }
}

/**
 * True when none of the directory's files named in `names` escapes `root` through a symlink; a
 * report renderer reads those files by name, so they are checked before it runs.
 */
export async function filesStayInside(root: string, dir: string, names: readonly string[]): Promise<boolean> {
  for (const name of names) {
    try {
      const real = await realpath(path.join(dir, name));
      if (!isInside(root, real)) return false;
    } catch {
      // Absent files are fine: the renderer decides what it needs.
    }
  }
  return true;
}
