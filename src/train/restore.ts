// Resuming a run: the checkpoint's method state is read and checked, the network is reshaped as that
// state describes (a pruned network is rebuilt from its history) with the optimiser rebuilt on it,
// then weights, momentum and the RNG are loaded, and what the interrupted process left half-written
// in the run directory is cleared.
import * as E from '../engine/index.js';
import { loadCheckpoint, methodStateOf, type RunPosition } from './checkpoint.js';
import type { TrainConfig } from './config.js';
import { checkFiniteWeights } from './load-run.js';
import type { MethodKind } from './method.js';
import type { RunDirectory } from './run-dir.js';
import { makeOptimizer, parameterNames, type RunParts } from './setup.js';

export interface Restored {
  position: RunPosition;
  /** The method's state, checked (undefined: the checkpoint holds none). */
  state: unknown;
}

/** Restores a run from its checkpoint; `tidy` also clears what the interrupted process left (the writer only). */
export function restoreRun(parts: RunParts, out: RunDirectory, inputShape: readonly number[], kind: MethodKind<unknown>, tidy = true): Restored {
  const checkpoint = loadCheckpoint<TrainConfig>(out.file('checkpoint'));
  try {
    const saved = methodStateOf(checkpoint, kind.key);
    const state = saved === undefined ? undefined : kind.parseState(saved);
    if (state !== undefined && kind.restoreStructure(parts.model, inputShape, state)) {
      // The optimiser was built on the dense network: rebuild it on the reshaped one.
      parts.optimizer.dispose();
      parts.optimizer = makeOptimizer(parts.config, parts.model);
    }
    parts.model.loadStateDict(checkpoint.model, { strict: true });
    checkFiniteWeights(parts.model, out.file('checkpoint'));
    const byName = new Map([...parameterNames(parts.model)].map(([param, name]) => [name, param] as const));
    parts.optimizer.loadStateDict(checkpoint.optimizer, byName);
    E.setRngState(checkpoint.rngState);
    if (tidy) {
      out.removeTemporaries();
      out.trimLog(checkpoint.position.epoch);
    }
    return { position: checkpoint.position, state };
  } finally {
    E.disposeAll([checkpoint.model, checkpoint.optimizer, checkpoint.rngState]);
  }
}
