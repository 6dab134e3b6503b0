// Running something on a model without it leaving a trace in the model's buffers: an extra forward in
// training mode (an estimator's probe, say) would otherwise move BatchNorm's running statistics and
// counters, and the run would no longer be the one it would have been without the probe.
import * as E from '../engine/index.js';
import type { Module } from './module.js';

/** Runs fn, then puts every buffer of `model` (running statistics, counters) back as it was. */
export function withBuffersRestored<T>(model: Module, fn: () => T): T {
  const saved = E.noGrad(() => model.namedBuffers().map(([, buffer]) => ({ buffer, copy: E.keep(buffer.value.clone()) })));
  try {
    return fn();
  } finally {
    E.noGrad(() => {
      for (const { buffer, copy } of saved) {
        buffer.value.copy_(copy);
        copy.dispose();
      }
    });
  }
}
