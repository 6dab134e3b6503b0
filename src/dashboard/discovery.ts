// Finds the run and sweep directories under the dashboard's root. Only what is found here is ever
// served: a request names a run or sweep by the id this walk gave it, never by a path.
import { readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { isInside } from './safe-files.js';

export interface RunEntry {
  /** Path relative to the root with '/' separators ('.' when the root itself is a run). */
  id: string;
  /** Real (symlink-free) directory. */
  dir: string;
  /** Id of the sweep this run is a point of, when it lies inside a sweep directory. */
  sweepId: string | null;
}

export interface SweepEntry {
  id: string;
  dir: string;
}

export interface Discovered {
  runs: RunEntry[];
  sweeps: SweepEntry[];
}

/** Bounds on the walk, so a huge or deep tree costs a bounded amount of work per request. */
export const WALK_LIMITS = { maxDepth: 6, maxDirectories: 5000 };

const SKIPPED = new Set(['node_modules', '.git']);

function hasFile(dir: string, name: string): boolean {
  try {
    return statSync(path.join(dir, name)).isFile();
  } catch {
    return false;
  }
}

function safeRealpath(target: string): string | null {
  try {
    return realpathSync(target);
  } catch {
    return null;
  }
}

/**
 * Walks `root` (already a real path) breadth first. A symlinked directory is followed only when its
 * target lies inside the root; each real directory is visited once, so link cycles end.
 */
export function discover(root: string): Discovered {
  const runs: RunEntry[] = [];
  const sweeps: SweepEntry[] = [];
  const visited = new Set<string>();
  const queue: { dir: string; id: string; depth: number; sweepId: string | null }[] = [{ dir: root, id: '.', depth: 0, sweepId: null }];
  while (queue.length > 0 && visited.size < WALK_LIMITS.maxDirectories) {
    const current = queue.shift() as (typeof queue)[number];
    if (visited.has(current.dir)) continue;
    visited.add(current.dir);
    if (hasFile(current.dir, 'config.json')) {
      runs.push({ id: current.id, dir: current.dir, sweepId: current.sweepId });
      continue;
    }
    let sweepId = current.sweepId;
    if (hasFile(current.dir, 'sweep.json')) {
      sweeps.push({ id: current.id, dir: current.dir });
      sweepId = current.id;
    }
    if (current.depth >= WALK_LIMITS.maxDepth) continue;
    let names: string[];
    try {
      names = readdirSync(current.dir).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      if (SKIPPED.has(name) || name.startsWith('.')) continue;
      const real = safeRealpath(path.join(current.dir, name));
      if (real === null || !isInside(root, real)) continue;
      try {
        if (!statSync(real).isDirectory()) continue;
      } catch {
        continue;
      }
      const id = current.id === '.' ? name : `${current.id}/${name}`;
      queue.push({ dir: real, id, depth: current.depth + 1, sweepId });
    }
  }
  return { runs, sweeps };
}
