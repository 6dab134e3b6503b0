// LeNet-5 for 28x28 images (MNIST), as a chain so every conv filter and hidden unit can be gated by
// the same code that handles MLPs and VGG (docs/method.md section 2, plain CNNs).
import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '../nn/index.js';
import { checkCount, type ModelOptions } from './common.js';

/**
 * conv 6@5x5 (padding 2, so 28x28 stays 28x28), max-pool 2, conv 16@5x5 (-> 10x10), max-pool 2
 * (-> 5x5), then fully connected 400-120-84-classes, ReLU after every layer but the last.
 * Max pooling follows the Caffe LeNet used by Han et al. (2015), not LeCun's subsampling layers.
 * The first Linear reads 16 x 5 x 5 flattened features: pruning conv filter c removes its columns
 * flattenedIndices([c], 25).
 */
export function lenet5(options: ModelOptions = {}): Sequential {
  const inChannels = checkCount('lenet5', 'inChannels', options.inChannels ?? 1);
  const numClasses = checkCount('lenet5', 'numClasses', options.numClasses ?? 10);
  return new Sequential(
    new Conv2d(inChannels, 6, 5, { padding: 2 }),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(6, 16, 5),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(16 * 5 * 5, 120),
    new ReLU(),
    new Linear(120, 84),
    new ReLU(),
    new Linear(84, numClasses),
  );
}
