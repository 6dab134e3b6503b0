// A small LeNet-style network for signals (after LeCun et al. 1998, as lenet.ts for images, with
// convolutions along time): conv 6@5 ('same', so the length stays), max-pool 2, conv 16@5 (valid),
// max-pool 2, then fully connected 120-84-classes, ReLU after every layer but the last. The first
// Linear reads 16 x L' flattened features, L' = floor((floor(L / 2) - 4) / 2) for input length L,
// so the network is built for one length (ModelOptions.inputLength).
import { Conv1d, Flatten, Linear, MaxPool1d, ReLU, Sequential } from '../nn/index.js';
import { checkCount, type ModelOptions } from './common.js';

/** The default input length of the 1-d models. */
export const DEFAULT_SERIES_LENGTH = 128;

/** The time steps left after lenet1d's convolutions and pools for input length `length`. */
export function lenet1dFeatureLength(length: number): number {
  return Math.floor((Math.floor(length / 2) - 4) / 2);
}

export function lenet1d(options: ModelOptions = {}): Sequential {
  const inChannels = checkCount('lenet1d', 'inChannels', options.inChannels ?? 1);
  const numClasses = checkCount('lenet1d', 'numClasses', options.numClasses ?? 2);
  const length = checkCount('lenet1d', 'inputLength', options.inputLength ?? DEFAULT_SERIES_LENGTH);
  const features = lenet1dFeatureLength(length);
  if (features < 1) throw new RangeError(`lenet1d: inputLength must be at least 12 (two pools and a 5-step conv), got ${length}; use fcn1d or resnet1d for shorter series`);
  return new Sequential(
    new Conv1d(inChannels, 6, 5, { padding: 2 }),
    new ReLU(),
    new MaxPool1d(2),
    new Conv1d(6, 16, 5),
    new ReLU(),
    new MaxPool1d(2),
    new Flatten(),
    new Linear(16 * features, 120),
    new ReLU(),
    new Linear(120, 84),
    new ReLU(),
    new Linear(84, numClasses),
  );
}
