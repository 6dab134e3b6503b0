// The training methods a run can use, chosen by its config: CAT when `config.cat` holds its settings,
// dense training otherwise.
import type { TrainConfig } from '../config.js';
import type { MethodKind } from '../method.js';
import { catMethod } from './cat.js';
import { denseMethod } from './dense.js';

export function methodFor(config: TrainConfig): MethodKind<unknown> {
  return config.cat === null ? denseMethod : catMethod(config.cat);
}
