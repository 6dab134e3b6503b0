// Checkpoints: the model's state, the optimiser's state, the run position and the RNG state in one
// safetensors file, written atomically (temporary file, then rename), so an interrupted write never
// replaces a good checkpoint.
//
// Resume contract: a checkpoint is taken between steps. The training method stores its own state
// under its key (CAT: `cat`, its gates, gamma and pruning history as plain JSON numbers, exact in
// float64); resuming lets the method rebuild the network that state describes (CAT replays the
// history on the dense network) before the weights are loaded. Restoring it restores the weights and
// buffers, the momentum buffers, the global step (from which the learning rate is recomputed), the
// epoch and the batch within it, and libtorch's CPU generator. Data order and augmentation are pure
// functions of (data seed, epoch, batch index), so the resumed run sees the same batches. On CPU a
// resumed run therefore ends with the same weights as an uninterrupted one.
import { existsSync } from 'node:fs';
import * as E from '../engine/index.js';

export const CHECKPOINT_FORMAT = 1;

export interface RunPosition {
  epoch: number;
  batchInEpoch: number;
  step: number;
}

export interface Checkpoint<Config> {
  position: RunPosition;
  config: Config;
  /** Plain-data state of the training method beyond the weights, keyed by the method (CAT: `cat`). */
  method?: Readonly<Record<string, unknown>>;
  model: Map<string, E.Tensor>;
  optimizer: Map<string, E.Tensor>;
  rngState: E.Tensor;
}

const MODEL = 'model/';
const OPTIMIZER = 'optimizer/';
const RNG = 'rng/cpu';

export function saveCheckpoint<Config>(path: string, checkpoint: Omit<Checkpoint<Config>, 'rngState'>): void {
  E.scope(() => {
    const tensors = new Map<string, E.Tensor>();
    for (const [key, tensor] of checkpoint.model) tensors.set(MODEL + key, tensor);
    for (const [key, tensor] of checkpoint.optimizer) tensors.set(OPTIMIZER + key, tensor);
    tensors.set(RNG, E.getRngState());
    E.saveTensors(path, tensors, {
      catrain: JSON.stringify({ format: CHECKPOINT_FORMAT, position: checkpoint.position, config: checkpoint.config, method: checkpoint.method }),
    });
  });
}

/** Reads a checkpoint; the caller owns (and disposes) the returned tensors. */
export function loadCheckpoint<Config>(path: string): Checkpoint<Config> {
  if (!existsSync(path)) throw new Error(`checkpoint ${path} does not exist`);
  const { tensors, metadata } = E.loadTensors(path);
  const header = metadata.catrain;
  let parsed: { format?: number; position?: RunPosition; config?: Config; method?: unknown };
  try {
    parsed = JSON.parse(header ?? 'null') as typeof parsed;
  } catch {
    parsed = {};
  }
  const rngState = tensors.get(RNG);
  if (parsed?.format !== CHECKPOINT_FORMAT || parsed.position === undefined || parsed.config === undefined || rngState === undefined) {
    E.disposeAll(tensors);
    throw new Error(`${path} is not a catrain checkpoint of format ${CHECKPOINT_FORMAT} (missing run metadata or RNG state)`);
  }
  const model = new Map<string, E.Tensor>();
  const optimizer = new Map<string, E.Tensor>();
  for (const [key, tensor] of tensors) {
    if (key.startsWith(MODEL)) model.set(key.slice(MODEL.length), tensor);
    else if (key.startsWith(OPTIMIZER)) optimizer.set(key.slice(OPTIMIZER.length), tensor);
  }
  const method = typeof parsed.method === 'object' && parsed.method !== null ? (parsed.method as Record<string, unknown>) : undefined;
  return { position: parsed.position, config: parsed.config, ...(method === undefined ? {} : { method }), model, optimizer, rngState };
}

/** The state a checkpoint holds for the training method saved under `key`, unread; undefined if none. */
export function methodStateOf(checkpoint: Pick<Checkpoint<unknown>, 'method'>, key: string): unknown {
  return checkpoint.method?.[key];
}
