// Fully connected networks: Flatten then Linear-ReLU pairs, a plain Linear at the end.
import { Flatten, Linear, ReLU, Sequential } from '../nn/index.js';
import { checkCount, type ModelOptions } from './common.js';

/**
 * An MLP with the given layer widths, from input features to classes: mlp([784, 300, 100, 10]) is
 * Flatten, Linear(784, 300), ReLU, Linear(300, 100), ReLU, Linear(100, 10); keys '1.weight', '3.weight', ...
 * as the equivalent torch.nn.Sequential. Every hidden unit is a prunable unit (docs/method.md section 2).
 */
export function mlp(widths: readonly number[]): Sequential {
  if (widths.length < 2) throw new RangeError(`mlp: expected at least an input and an output width, got [${widths.join(', ')}]`);
  widths.forEach((w, i) => checkCount('mlp', `widths[${i}]`, w));
  const net = new Sequential(new Flatten());
  for (let i = 0; i + 1 < widths.length; i++) {
    net.append(new Linear(widths[i] as number, widths[i + 1] as number));
    if (i + 2 < widths.length) net.append(new ReLU());
  }
  return net;
}

/** LeNet-300-100 (LeCun et al. 1998; the MLP of Han et al. 2015): 784-300-100-10 for 1x28x28 images. */
export function lenet300(options: ModelOptions = {}): Sequential {
  const inChannels = checkCount('lenet300', 'inChannels', options.inChannels ?? 1);
  return mlp([inChannels * 28 * 28, 300, 100, checkCount('lenet300', 'numClasses', options.numClasses ?? 10)]);
}
