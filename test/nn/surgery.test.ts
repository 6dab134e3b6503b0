// Surgery is exact (docs/method.md section 5): removing channels with keepOutputs on the producer and
// keepInputs on the consumer gives the same output as zeroing the consumer's weights that read them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import * as E from '../../src/engine/index.js';
import {
  BatchNorm1d, BatchNorm2d, Conv1d, Conv2d, Flatten, Linear, MaxPool1d, MaxPool2d, Module, ReLU, Sequential,
  canKeep, flattenedIndices, keep, registerSurgery, widthOf, type ParameterSlice,
} from '../../src/nn/index.js';
import { assertClose } from '../helpers/check.js';

interface Chain {
  name: string;
  /** Producer at index 0, consumer last; modules between are channel-wise (BN, ReLU, pool). */
  make: () => Sequential;
  input: readonly number[];
  width: number;
  /** Consumer input indices that read producer channel c (one for conv/linear, 25 after a flatten). */
  columns: (kept: readonly number[]) => number[];
}

const KEPT = [0, 2, 3, 5];

const CHAINS: readonly Chain[] = [
  { name: 'Linear-ReLU-Linear', make: () => new Sequential(new Linear(5, 6), new ReLU(), new Linear(6, 3)), input: [4, 5], width: 6, columns: (k) => [...k] },
  {
    name: 'Linear-BatchNorm1d-ReLU-Linear',
    make: () => new Sequential(new Linear(5, 6), new BatchNorm1d(6), new ReLU(), new Linear(6, 3)),
    input: [8, 5],
    width: 6,
    columns: (k) => [...k],
  },
  {
    name: 'Conv2d-BatchNorm2d-ReLU-Conv2d',
    make: () => new Sequential(new Conv2d(3, 6, 3, { padding: 1, bias: false }), new BatchNorm2d(6), new ReLU(), new Conv2d(6, 4, 3, { stride: 2 })),
    input: [2, 3, 7, 7],
    width: 6,
    columns: (k) => [...k],
  },
  {
    name: 'Conv2d-ReLU-MaxPool2d-Flatten-Linear (LeNet-5 style)',
    make: () => new Sequential(new Conv2d(2, 6, 3), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(6 * 2 * 2, 3)),
    input: [2, 2, 6, 6],
    width: 6,
    columns: (k) => flattenedIndices(k, 4),
  },
  {
    name: 'Conv1d-BatchNorm1d-ReLU-Conv1d',
    make: () => new Sequential(new Conv1d(3, 6, 8, { padding: 'same', bias: false }), new BatchNorm1d(6), new ReLU(), new Conv1d(6, 4, 5, { stride: 2 })),
    input: [2, 3, 13],
    width: 6,
    columns: (k) => [...k],
  },
  {
    name: 'Conv1d-ReLU-MaxPool1d-Flatten-Linear (lenet1d style)',
    make: () => new Sequential(new Conv1d(2, 6, 3), new ReLU(), new MaxPool1d(2), new Flatten(), new Linear(6 * 4, 3)),
    input: [2, 2, 10],
    width: 6,
    columns: (k) => flattenedIndices(k, 4),
  },
];

/** Zeroes the consumer's weights that read the removed channels (its dim 1). */
function zeroRemovedInputs(consumer: Linear | Conv1d | Conv2d, keptColumns: readonly number[]): void {
  E.noGrad(() =>
    E.scope(() => {
      const w = consumer.weight.value;
      const mask = E.zeros([w.size(1)]);
      for (const c of keptColumns) E.fill_(E.narrow(mask, 0, c, 1), 1);
      E.mul_(w, mask.reshape([1, -1, ...Array<number>(w.ndim - 2).fill(1)]));
    }),
  );
}

for (const chain of CHAINS) {
  describe(`surgery on ${chain.name}`, () => {
    for (const mode of ['eval', 'train'] as const) {
      test(`removing channels equals zeroing their outgoing weights (${mode} mode)`, () => {
        E.manualSeed(7);
        const net = chain.make();
        const producer = net.at(0);
        const consumer = net.at(-1) as Linear | Conv1d | Conv2d;
        const middle = [...net].slice(1, -1).filter((m) => canKeep(m, 'outputs'));
        E.scope(() => {
          const x = E.randn(chain.input);
          if (mode === 'eval') {
            net.train().call(x.mul(1.5).add(0.3)); // non-trivial running statistics
            net.eval();
          }
          zeroRemovedInputs(consumer, chain.columns(KEPT));
          const expected = net.call(x);
          const weightHolder = consumer.weight;
          const slices: ParameterSlice[] = [...keep(producer, 'outputs', KEPT)];
          for (const m of middle) slices.push(...keep(m, 'outputs', KEPT));
          slices.push(...keep(consumer, 'inputs', chain.columns(KEPT)));
          assertClose(net.call(x), expected, { atol: 1e-5 }, 'pruned output');

          assert.equal(consumer.weight, weightHolder, 'the Parameter holder survives surgery');
          assert.equal(widthOf(producer, 'outputs'), KEPT.length);
          assert.equal(widthOf(consumer, 'inputs'), chain.columns(KEPT).length);
          for (const m of middle) assert.equal(widthOf(m, 'inputs'), KEPT.length);
          assert.match(producer.toString(), new RegExp(`\\(\\d+, ${KEPT.length}[,)]`), 'printing shows the new width');
          for (const s of slices) assert.deepEqual(s.indices.length, s.parameter.value.size(s.dim), 'each slice names the narrowed dim');
          for (const p of net.parameters()) assert.ok(p.value.requiresGrad && p.value.isLeaf, 'parameters stay trainable leaves');
          net.train().call(x).sum().backward();
          for (const [name, p] of net.namedParameters()) assert.deepEqual([...(p.grad as E.Tensor).shape], [...p.value.shape], `${name} gradient`);
        });
        net.dispose();
      });
    }
  });
}

test('keepOutputs on a producer alone selects its output channels', () => {
  E.manualSeed(3);
  const conv = new Conv2d(3, 5, 3, { padding: 1 });
  E.scope(() => {
    const x = E.randn([2, 3, 4, 4]);
    const full = conv.call(x);
    conv.keepOutputs([1, 4]);
    assertClose(conv.call(x), E.indexSelect(full, 1, E.tensor([1, 4], { dtype: 'int64' })), { atol: 1e-6 });
  });
  assert.equal(conv.toString(), 'Conv2d(3, 2, kernel_size=3, padding=1)');
  conv.dispose();
});

test('BatchNorm keeps its running statistics and counter', () => {
  const bn = new BatchNorm2d(4);
  E.noGrad(() => E.copy_(bn.runningMean?.value as E.Tensor, E.tensor([0, 1, 2, 3])));
  bn.keepChannels([1, 3]);
  assert.deepEqual(bn.runningMean?.value.toArray(), [1, 3]);
  assert.deepEqual(bn.runningVar?.value.shape, [2]);
  assert.deepEqual(bn.numBatchesTracked?.value.shape, []);
  assert.equal(bn.toString(), 'BatchNorm2d(2)');
  bn.dispose();
});

test('surgery keeps channels-last weights channels-last', () => {
  const conv = new Conv2d(4, 6, 3).toMemoryFormat('channels_last');
  conv.keepOutputs([0, 1, 5]);
  conv.keepInputs([1, 2]);
  assert.ok(conv.weight.value.isContiguous('channels_last'));
  conv.dispose();
});

test('bad index lists and unsupported layers give clear errors', () => {
  const lin = new Linear(4, 4);
  assert.throws(() => lin.keepOutputs([]), /non-empty list of indices to keep \(width 4\)/);
  assert.throws(() => lin.keepOutputs([0, 4]), /index 4 is out of range: expected integers in \[0, 4\)/);
  assert.throws(() => lin.keepInputs([2, 1]), /strictly increasing.*got 1 after 2/);
  assert.throws(() => lin.keepInputs([1, 1]), /strictly increasing/);
  assert.deepEqual(lin.weight.value.shape, [4, 4], 'a rejected surgery changes nothing');
  const grouped = new Conv2d(4, 4, 1, { groups: 2 });
  assert.throws(() => grouped.keepOutputs([0]), /only supported for groups = 1, this conv has groups = 2/);
  assert.throws(() => keep(new ReLU(), 'outputs', [0]), /no 'outputs' surgery is registered for ReLU \(registered: Linear, Convolution, BatchNorm\)/);
  lin.dispose();
  grouped.dispose();
});

test('a new module kind joins surgery with one registerSurgery call', () => {
  /** A per-channel scale, like a unit gate holding one value per unit. */
  class Scale extends Module {
    readonly scale = this.registerParameter('scale', E.ones([3]));
    forward(x: E.Tensor): E.Tensor {
      return x.mul(this.scale.value);
    }
  }
  const unregister = registerSurgery(Scale, {
    outputs: {
      width: (m) => m.scale.value.size(0),
      keep: (m, indices) => {
        m.scale.keepAlong(0, indices);
        return [{ parameter: m.scale, dim: 0, indices }];
      },
    },
  });
  const s = new Scale();
  assert.ok(canKeep(s, 'outputs') && !canKeep(s, 'inputs'));
  keep(s, 'outputs', [0, 2]);
  assert.equal(widthOf(s, 'outputs'), 2);
  assert.throws(() => keep(s, 'inputs', [0]), /no 'inputs' surgery is registered for Scale/);
  unregister();
  assert.ok(!canKeep(s, 'outputs'), 'unregistering leaves no trace for the other tests');
  s.dispose();
});
