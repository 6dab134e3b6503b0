// Settings for fast runs in tests: few small steps on synthetic data; CAT gates that move and prune
// within a few epochs (pass cat: null for a dense run).
import { DEFAULT_CAT, type CatOptions } from '../../src/cat/index.js';
import { DEFAULT_CONFIG, type TrainConfig } from '../../src/train/config.js';

export const fastCat: CatOptions = { ...DEFAULT_CAT, gateWarmupEpochs: 1, gateCrossEpochs: 0.5, patienceEpochs: 0.5 };

export function catConfig(overrides: Partial<TrainConfig> & { cat?: CatOptions | null } = {}): TrainConfig {
  return {
    ...DEFAULT_CONFIG,
    model: 'lenet300',
    data: 'mnist',
    epochs: 4,
    batchSize: 32,
    lr: 0.05,
    warmupEpochs: 1,
    augment: false,
    workers: 0,
    channelsLast: false,
    evalBatchSize: 64,
    cat: fastCat,
    ...overrides,
  };
}

