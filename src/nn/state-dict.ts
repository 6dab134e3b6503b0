// Loading a state dict: check everything first and report every problem in one error (as PyTorch's
// load_state_dict does, module.py), then copy. Checking first means a failed load changes nothing.
import * as E from '../engine/index.js';
import type { Buffer, Parameter } from './parameter.js';

export interface LoadResult {
  /** Keys the module has but the state dict lacked (only non-empty when strict is false). */
  missingKeys: string[];
  /** Keys the state dict had but the module lacks (only non-empty when strict is false). */
  unexpectedKeys: string[];
}

const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

export function loadStateDictInto(
  owner: string,
  targets: ReadonlyMap<string, Parameter | Buffer>,
  state: ReadonlyMap<string, E.Tensor>,
  strict: boolean,
): LoadResult {
  const missingKeys = [...targets.keys()].filter((key) => !state.has(key));
  const unexpectedKeys = [...state.keys()].filter((key) => !targets.has(key));
  const problems: string[] = [];
  for (const [key, holder] of targets) {
    const source = state.get(key);
    if (source === undefined) continue;
    const want = holder.value.shape;
    if (source.shape.length !== want.length || source.shape.some((size, i) => size !== want[i])) {
      problems.push(`  size mismatch for '${key}': the state dict has shape ${shapeText(source.shape)}, the module has ${shapeText(want)}`);
    }
  }
  if (strict) {
    for (const key of missingKeys) problems.push(`  missing key '${key}' (shape ${shapeText(targets.get(key)?.value.shape ?? [])})`);
    for (const key of unexpectedKeys) problems.push(`  unexpected key '${key}' (shape ${shapeText(state.get(key)?.shape ?? [])})`);
  }
  if (problems.length > 0) {
    throw new Error(
      `${owner}.loadStateDict: ${problems.length} problem(s), nothing was loaded:\n${problems.join('\n')}\n` +
        'The state dict must come from the same architecture at the same widths: replay any pruning on the module ' +
        'before loading, or pass { strict: false } to ignore missing and unexpected keys.',
    );
  }
  E.noGrad(() => {
    for (const [key, holder] of targets) {
      const source = state.get(key);
      // copy_ converts dtype and device, so the module's placement is kept.
      if (source !== undefined) E.copy_(holder.value, source);
    }
  });
  return { missingKeys, unexpectedKeys };
}
