// Channel scaling through nn's registry: a scale carried by a layer's parameters computes what
// multiplying the activation computes, leaves the stored weights as they are, comes off with its
// remover, and refuses layers whose parameters cannot carry it, saying why.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import * as E from '../../src/engine/index.js';
import {
  BatchNorm1d, BatchNorm2d, Conv1d, Conv2d, Linear, Module, ReLU,
  canScaleChannels, channelScaleProblem, registerChannelScale, scaleChannels, zeroChannels,
} from '../../src/nn/index.js';
import { assertClose } from '../helpers/check.js';

const view = (scale: E.Tensor, rank: number): E.Tensor => scale.view([1, scale.numel, ...Array<number>(rank - 2).fill(1)]);

interface Case {
  name: string;
  make: () => Module;
  input: number[];
  side: 'inputs' | 'outputs';
  width: number;
}

const CASES: Case[] = [
  { name: 'Conv2d inputs', make: () => new Conv2d(3, 4, 3, { padding: 1 }), input: [2, 3, 5, 5], side: 'inputs', width: 3 },
  { name: 'Conv1d inputs', make: () => new Conv1d(3, 4, 8, { padding: 'same' }), input: [2, 3, 9], side: 'inputs', width: 3 },
  { name: 'Linear inputs', make: () => new Linear(5, 3), input: [4, 5], side: 'inputs', width: 5 },
  { name: 'BatchNorm1d outputs on [N, C, L]', make: () => new BatchNorm1d(4), input: [3, 4, 6], side: 'outputs', width: 4 },
  { name: 'BatchNorm2d outputs', make: () => new BatchNorm2d(4), input: [3, 4, 2, 2], side: 'outputs', width: 4 },
];

for (const c of CASES) {
  test(`${c.name}: a carried scale equals multiplying the activation, and its remover takes it off`, () => {
    E.manualSeed(2);
    const layer = c.make().train();
    E.scope(() => {
      const x = E.randn(c.input);
      const scale = E.rand([c.width]).add(0.5);
      const stored = layer.stateDict();
      const plain = layer.call(x);
      const expected = c.side === 'inputs' ? layer.call(x.mul(view(scale, x.ndim))) : plain.mul(view(scale, x.ndim));
      assert.ok(canScaleChannels(layer, c.side));
      const remove = scaleChannels(layer, c.side, () => scale);
      assertClose(layer.call(x), expected, { atol: 1e-5 }, 'scaled');
      for (const [key, value] of layer.stateDict()) assertClose(value, stored.get(key) as E.Tensor, { atol: 0 }, `stored ${key} unchanged`);
      remove();
      assertClose(layer.call(x), plain, { atol: 0 }, 'removed');
      // A scale answering null leaves the layer as it is for that call.
      const removeNull = scaleChannels(layer, c.side, () => null);
      assertClose(layer.call(x), plain, { atol: 0 }, 'null scale');
      removeNull();
    });
    layer.dispose();
  });

  test(`${c.name}: zeroChannels computes what a scale of 0 on those channels computes`, () => {
    E.manualSeed(3);
    const layer = c.make().eval();
    E.scope(() => {
      const x = E.randn(c.input);
      const mask = E.tensor(Array.from({ length: c.width }, (_, i) => (i === 1 ? 0 : 1)));
      const remove = scaleChannels(layer, c.side, () => mask);
      const expected = layer.call(x);
      remove();
      zeroChannels(layer, c.side, [1]);
      assertClose(layer.call(x), expected, { atol: 1e-6 });
      assert.throws(() => zeroChannels(layer, c.side, [c.width]), new RegExp(`cannot zero channel ${c.width} of its ${c.side}: expected integers in \\[0, ${c.width}\\)`));
    });
    layer.dispose();
  });
}

test('a grouped conv, a non-affine BatchNorm and an unregistered side refuse, saying why', () => {
  const grouped = new Conv2d(4, 4, 3, { groups: 2 });
  const plainNorm = new BatchNorm1d(3, { affine: false });
  const linear = new Linear(3, 2);
  const relu = new ReLU();
  assert.match(channelScaleProblem(grouped, 'inputs') ?? '', /grouped conv \(groups = 2\).*only groups = 1 is supported/);
  assert.throws(() => scaleChannels(grouped, 'inputs', () => null), /Conv2d: cannot scale its inputs: a grouped conv/);
  assert.throws(() => zeroChannels(grouped, 'inputs', [0]), /Conv2d: cannot scale its inputs/);
  assert.ok(!canScaleChannels(plainNorm, 'outputs'));
  assert.throws(() => scaleChannels(plainNorm, 'outputs', () => null), /BatchNorm1d: cannot scale its outputs: a non-affine norm has no weight and bias/);
  assert.match(channelScaleProblem(linear, 'outputs') ?? '', /no 'outputs' channel scale is registered for Linear \(registered: BatchNorm\)/);
  assert.match(channelScaleProblem(relu, 'inputs') ?? '', /registered for ReLU \(registered: Linear, Convolution\)/);
  for (const m of [grouped, plainNorm, linear, relu]) m.dispose();
});

test('a new module kind joins channel scaling with one registerChannelScale call', () => {
  /** y = x * gain + offset per feature: both parameters carry its output channels. */
  class Affine extends Module {
    readonly gain = this.registerParameter('gain', E.full([3], 2, { dtype: 'float32' }));
    readonly offset = this.registerParameter('offset', E.ones([3]));
    forward(x: E.Tensor): E.Tensor {
      return x.mul(this.effectiveValue('gain')).add(this.effectiveValue('offset'));
    }
  }
  const layer = new Affine();
  assert.ok(!canScaleChannels(layer, 'outputs'));
  const unregister = registerChannelScale(Affine, {
    outputs: {
      carriers: [
        { parameter: 'gain', dim: 0 },
        { parameter: 'offset', dim: 0 },
      ],
    },
  });
  E.scope(() => {
    const x = E.ones([2, 3]);
    const remove = scaleChannels(layer, 'outputs', () => E.tensor([1, 0, 3]));
    assert.deepEqual(Array.from(layer.call(x).data() as Float32Array), [3, 0, 9, 3, 0, 9]);
    remove();
    zeroChannels(layer, 'outputs', [2]);
    assert.deepEqual(Array.from(layer.call(x).data() as Float32Array), [3, 3, 0, 3, 3, 0]);
  });
  unregister();
  assert.ok(!canScaleChannels(layer, 'outputs'), 'unregistering leaves no trace for the other tests');
  layer.dispose();
});

test('parametrizations apply in registration order, name a parameter the module has, and come off one by one', () => {
  const layer = new Linear(2, 1, { bias: false });
  E.noGrad(() => E.fill_(layer.weight.value, 1));
  E.scope(() => {
    const addOne = layer.registerParametrization('weight', (w) => w.add(1));
    const double = layer.registerParametrization('weight', (w) => w.mul(2));
    assert.deepEqual(Array.from(layer.effectiveValue('weight').data() as Float32Array), [4, 4], '(1 + 1) * 2');
    addOne();
    assert.deepEqual(Array.from(layer.effectiveValue('weight').data() as Float32Array), [2, 2]);
    double();
    assert.equal(layer.effectiveValue('weight'), layer.weight.value, 'with none left, forward reads the stored tensor itself');
  });
  assert.throws(() => layer.registerParametrization('bias', (b) => b), /Linear: no parameter 'bias' \(parameters: weight\)/);
  layer.dispose();
});
