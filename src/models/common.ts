// Options shared by every model builder, and the initialisation the ResNet builders apply.
import { Convolution, type Module, init } from '../nn/index.js';

export interface ModelOptions {
  /** Number of output classes (default: the dataset's, e.g. 10 for CIFAR-10, 1000 for ImageNet). */
  numClasses?: number;
  /** Channels of the input image (default: the dataset's, 1 for MNIST, 3 otherwise). */
  inChannels?: number;
  /** Time steps of an input sequence, for the 1-d models (default: the model's); image models ignore it. */
  inputLength?: number;
}

export function checkCount(model: string, name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${model}: ${name} must be a positive integer, got ${String(value)}`);
  return value;
}

/**
 * Every conv weight (1-d or 2-d) ~ kaiming_normal_(mode 'fan_out', nonlinearity 'relu'), as torchvision's ResNet
 * __init__ does (BN weight 1 and bias 0 are already the layers' default; the optional zero-init of each
 * block's last BN gamma is not applied). Linear layers keep PyTorch's default.
 */
export function heInitConvs(model: Module): void {
  model.apply((m) => {
    if (m instanceof Convolution) init.kaimingNormal_(m.weight.value, { mode: 'fan_out', nonlinearity: 'relu' });
  });
}
