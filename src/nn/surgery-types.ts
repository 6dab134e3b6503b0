// The surgery interfaces that layers implement. Kept apart from the registry (surgery.ts), which
// imports the layers, so that layers can import these types without an import cycle.
import type { ParameterSlice } from './parameter.js';

/**
 * A layer whose output channels (dim 0 of its weight, dim 1 of its output) can be narrowed.
 * keepOutputs returns how each Parameter was narrowed, so optimiser state keyed by the Parameter can
 * be narrowed the same way (docs/method.md section 4, step 7).
 */
export interface OutputSurgery {
  readonly outChannels: number;
  keepOutputs(indices: readonly number[]): ParameterSlice[];
}

/** A layer whose input channels (dim 1 of its input) can be narrowed. */
export interface InputSurgery {
  readonly inChannels: number;
  keepInputs(indices: readonly number[]): ParameterSlice[];
}

/** Which side of a layer a surgery acts on. */
export type Side = 'outputs' | 'inputs';
