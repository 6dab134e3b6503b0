// One suite for every device: each case computes on the device under test and compares values and
// gradients with the same computation on the CPU (tfjs runs its op suites per backend the same way).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from '../../src/engine/index.js';
import { acceleratorUnderTest } from '../helpers/devices.js';

function close(actual: E.Tensor, expected: E.Tensor, tolerance = 1e-4): void {
  assert.deepEqual(actual.shape, expected.shape);
  const a = actual.toArray();
  const b = expected.toArray();
  a.forEach((value, i) => {
    const want = b[i] as number;
    assert.ok(Math.abs(value - want) <= tolerance * (1 + Math.abs(want)), `element ${i}: ${value} vs ${want}`);
  });
}

/** Runs `compute` on the CPU and on `device` from the same CPU inputs; compares outputs and input gradients. */
function sameOnDevice(device: E.Device, inputs: () => E.Tensor[], compute: (xs: E.Tensor[]) => E.Tensor, tolerance = 1e-4): void {
  E.scope(() => {
    E.manualSeed(7);
    const cpuInputs = inputs();
    const run = (xs: E.Tensor[]) => {
      const leaves = xs.map((x) => (E.isFloating(x.dtype) ? x.detach().requireGrad() : x));
      const out = compute(leaves);
      if (out.dtype === 'float32' || out.dtype === 'float64') out.sum().backward();
      return { out: out.detach().cpu(), grads: leaves.map((leaf) => (leaf.requiresGrad ? (leaf.grad as E.Tensor).cpu() : null)) };
    };
    const reference = run(cpuInputs);
    const onDevice = run(cpuInputs.map((x) => x.to(device)));
    assert.equal(onDevice.out.device, 'cpu');
    close(onDevice.out, reference.out, tolerance);
    onDevice.grads.forEach((grad, i) => {
      const want = reference.grads[i];
      if (grad === null || want === null || want === undefined) return;
      close(grad, want, tolerance);
    });
  });
}

{
  const { device, skip } = acceleratorUnderTest();
  describe(`engine on ${device} against the CPU`, { skip }, () => {
    test('creation lands on the device', () => {
      E.scope(() => {
        for (const t of [E.zeros([2, 3], { device }), E.ones([2], { device }), E.randn([4], { device }), E.arange(0, 5, 1, { device })]) {
          assert.equal(t.device, device === 'cuda' ? 'cuda' : device);
        }
        assert.deepEqual(E.full([2], 3, { device }).toArray(), [3, 3]);
        assert.deepEqual(E.tensor([1, 2, 3], { device }).add(1).toArray(), [2, 3, 4]);
      });
    });

    test('elementwise and reductions', () => {
      sameOnDevice(device, () => [E.randn([3, 4]), E.randn([4])], ([a, b]) => a!.mul(b!).add(a!.exp()).sub(b!.tanh()).div(2));
      sameOnDevice(device, () => [E.randn([3, 4])], ([a]) => E.logsumexp(a!, 1).add(E.mean(a!, 0).sum()));
      sameOnDevice(device, () => [E.randn([5, 6])], ([a]) => E.where(a!.gt(0), a!, a!.mul(0.1)));
    });

    test('matmul and linear', () => {
      sameOnDevice(device, () => [E.randn([8, 16]), E.randn([4, 16]), E.randn([4])], ([x, w, b]) => E.linear(x!, w!, b!), 1e-3);
    });

    test('conv2d with stride, padding, dilation and groups', () => {
      sameOnDevice(device, () => [E.randn([2, 4, 9, 9]), E.randn([6, 2, 3, 3]), E.randn([6])], ([x, w, b]) =>
        E.conv2d(x!, w!, b!, { stride: 2, padding: 1, dilation: 1, groups: 2 }), 1e-3);
      sameOnDevice(device, () => [E.randn([2, 3, 8, 8]).contiguous('channels_last'), E.randn([5, 3, 3, 3])], ([x, w]) =>
        E.conv2d(x!, w!, null, { padding: 2, dilation: 2 }).relu(), 1e-3);
    });

    test('batch norm, pooling and losses', () => {
      sameOnDevice(device, () => [E.randn([4, 3, 6, 6]), E.rand([3]), E.randn([3])], ([x, w, b]) =>
        E.batchNorm(x!, { weight: w!, bias: b!, training: true }), 1e-3);
      sameOnDevice(device, () => [E.randn([2, 3, 8, 8])], ([x]) =>
        E.maxPool2d(x!, 2).add(E.avgPool2d(x!, 2)).mean([2, 3]).add(E.adaptiveAvgPool2d(x!, 1).flatten(1)));
      sameOnDevice(device, () => [E.randn([6, 5]), E.randint(0, 5, [6])], ([logits, target]) =>
        E.crossEntropy(logits!, target!, { reduction: 'none' }).add(E.logSoftmax(logits!, 1).sum(1)));
    });

    test('shape ops and indexing', () => {
      sameOnDevice(device, () => [E.randn([2, 3, 4])], ([x]) =>
        E.cat([x!.permute([0, 2, 1]).reshape([2, 12]), x!.narrow(2, 1, 2).flatten(1)], 1)
          .indexSelect(1, E.tensor([0, 5, 7], { dtype: 'int64', device: x!.device })));
    });

    test('in-place optimiser ops and running statistics', () => {
      E.scope(() => {
        const p = E.ones([3], { device });
        const g = E.tensor([1, 2, 3], { device });
        p.add_(g, -0.5);
        E.addcmul_(p, g, g, 0.1);
        E.foreachMul_([p], 2);
        // (1 - 0.5 g + 0.1 g^2) * 2
        close(p.cpu(), E.tensor([1.2, 0.8, 0.8]));
        const mean = E.zeros([2], { device });
        const variance = E.ones([2], { device });
        E.batchNorm(E.tensor([[1, 2], [3, 6]], { device }), { runningMean: mean, runningVar: variance, training: true });
        close(mean.cpu(), E.tensor([0.2, 0.4]));
        close(variance.cpu(), E.tensor([0.9 + 0.1 * 2, 0.9 + 0.1 * 8]));
      });
    });

    test('a small CNN trains and memory returns to its baseline', () => {
      E.manualSeed(1);
      const w1 = E.keep(E.randn([8, 3, 3, 3], { device }).mul(0.2).detach().requireGrad());
      const w2 = E.keep(E.randn([4, 8], { device }).mul(0.2).detach().requireGrad());
      const x = E.keep(E.randn([16, 3, 8, 8], { device }));
      const y = E.keep(E.randint(0, 4, [16], { device }));
      const before = E.memory().tensors;
      const losses: number[] = [];
      for (let step = 0; step < 60; step++) {
        losses.push(E.scope(() => {
          const h = E.adaptiveAvgPool2d(E.conv2d(x, w1, null, { padding: 1 }).relu(), 1).flatten(1);
          const loss = E.crossEntropy(E.linear(h, w2), y);
          loss.backward();
          E.noGrad(() => {
            for (const w of [w1, w2]) {
              w.add_(w.grad as E.Tensor, -0.5);
              w.zeroGrad();
            }
          });
          return loss.item();
        }));
      }
      E.synchronize();
      assert.equal(E.memory().tensors, before);
      assert.ok((losses.at(-1) as number) < (losses[0] as number) * 0.8, `loss ${losses[0]} -> ${losses.at(-1)}`);
      E.disposeAll([w1, w2, x, y]);
    });

    test('errors on the device are JS errors', () => {
      E.scope(() => {
        assert.throws(() => E.zeros([2, 3], { device }).add(E.zeros([4], { device })), E.TorchError);
        if (device !== 'cpu') {
          assert.throws(() => E.zeros([2], { device }).add(E.zeros([2])), /device|cuda|cpu/i);
        }
      });
    });
  });
}
