// A worker of the gradient test: one step of an MLP on its half of a fixed batch, averaged with the
// other worker through the data-parallel method; writes the averaged gradients as JSON to argv[2].
import { writeFileSync } from 'node:fs';
import * as E from '../../src/engine/index.js';
import { Worker, workerEnv } from '../../src/distributed/index.js';
import { shardRange } from '../../src/data/index.js';
import type { MethodContext, TrainingMethod } from '../../src/train/index.js';
import { fixedBatch, gradientTestNet } from './grad-net.js';

const env = workerEnv();
if (env === null) throw new Error('grad-child runs as a worker (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT)');
const worker = await Worker.join(env, { timeoutMs: 10000, device: 'cpu' });
const model = gradientTestNet();
const { x, y } = fixedBatch();
const { from, to } = shardRange(y.size(0), { index: env.rank, count: env.worldSize });
const plain: TrainingMethod = {
  name: 'plain',
  callbacks: () => [],
  state: () => undefined,
  status: () => undefined,
  epochFields: () => ({}),
  finish: () => ({ changed: false }),
  outcome: () => {
    throw new Error('not used');
  },
  dispose: () => undefined,
};
const method = worker.role().wrap(plain, { model } as unknown as MethodContext);
E.scope(() => {
  const xs = x.narrow(0, from, to - from);
  const ys = y.narrow(0, from, to - from);
  const loss = E.crossEntropy(model.call(xs), ys);
  loss.backward();
  method.afterBackward?.({ step: 0, x: xs, y: ys, rate: 0.1, loss: loss.item(), correct: 0 });
  const grads = Object.fromEntries(model.namedParameters().map(([name, p]) => [name, [...((p.grad as E.Tensor).data() as Float32Array)]]));
  writeFileSync(process.argv[2] as string, JSON.stringify(grads));
});
worker.finish();
worker.close();
