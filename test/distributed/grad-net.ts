// The network and batch of the gradient test, made the same way in every process.
import * as E from '../../src/engine/index.js';
import { nn } from '../../src/index.js';

/** 'plain': an MLP; 'batchnorm': the same with a BatchNorm layer, whose statistics couple the examples. */
export type GradientNet = 'plain' | 'batchnorm';

export function gradientTestNet(kind: GradientNet = 'plain'): nn.Module {
  E.manualSeed(7);
  return kind === 'plain'
    ? new nn.Sequential(new nn.Linear(20, 16), new nn.ReLU(), new nn.Linear(16, 4))
    : new nn.Sequential(new nn.Linear(20, 16), new nn.BatchNorm1d(16), new nn.ReLU(), new nn.Linear(16, 4));
}

/** Eight examples, deliberately not split evenly by three workers. */
export function fixedBatch(count = 8): { x: E.Tensor; y: E.Tensor } {
  E.manualSeed(11);
  return { x: E.keep(E.randn([count, 20])), y: E.keep(E.randint(0, 4, [count])) };
}

/** Every gradient and every floating-point buffer of the network, by name, as plain numbers. */
export function gradientsAndStatistics(model: nn.Module): Record<string, number[]> {
  const grads = model.namedParameters().map(([name, p]): [string, number[]] => [name, [...((p.grad as E.Tensor).data() as Float32Array)]]);
  const buffers = model
    .namedBuffers()
    .filter(([, b]) => b.value.dtype === 'float32')
    .map(([name, b]): [string, number[]] => [name, [...(b.value.data() as Float32Array)]]);
  return Object.fromEntries([...grads, ...buffers]);
}
