// A worker of the gradient test: one training step of the test network on its part of a fixed batch,
// averaged with the other workers through the data-parallel method; writes the averaged gradients
// and the running statistics as JSON to argv[2]. argv[3]: 'plain', 'batchnorm' or 'sync-bn'.
import { writeFileSync } from 'node:fs';
import * as E from '../../src/engine/index.js';
import { Worker, workerEnv } from '../../src/distributed/index.js';
import { shardRange } from '../../src/data/index.js';
import type { MethodContext, TrainingMethod } from '../../src/train/index.js';
import { fixedBatch, gradientsAndStatistics, gradientTestNet } from './grad-net.js';

const env = workerEnv();
if (env === null) throw new Error('grad-child runs as a worker (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT)');
const mode = process.argv[3] ?? 'plain';
const worker = await Worker.join(env, { timeoutMs: 10000, device: 'cpu' });
const model = gradientTestNet(mode === 'plain' ? 'plain' : 'batchnorm');
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
const method = worker.role({ syncBatchNorm: mode === 'sync-bn' }).wrap(plain, { model } as unknown as MethodContext);
E.scope(() => {
  const xs = x.narrow(0, from, to - from);
  const ys = y.narrow(0, from, to - from);
  // The trainer's step, hook by hook.
  const ctx = { step: 0, x: xs, y: ys, rate: 0.1 };
  method.beforeForward?.(ctx);
  const loss = E.crossEntropy(model.call(xs), ys);
  E.mul(loss, method.lossWeight?.(ctx) ?? 1).backward();
  method.afterBackward?.({ ...ctx, loss: loss.item(), correct: 0 });
  writeFileSync(process.argv[2] as string, JSON.stringify(gradientsAndStatistics(model)));
});
method.dispose();
worker.finish();
worker.close();
