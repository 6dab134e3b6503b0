// Generic tests driven by the table of module kinds (cases.ts), on every test device: state round trip
// through a safetensors file, train/eval behaviour, channels-last input, gradients, and memory.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import * as E from '../../src/engine/index.js';
import type { Module } from '../../src/nn/index.js';
import { assertClose } from '../helpers/check.js';
import { testDevices } from '../helpers/devices.js';
import { CASES, type ModuleCase } from './cases.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'catrain-nn-'));

function build(c: ModuleCase, device: E.Device, seed: number): Module {
  E.manualSeed(seed);
  return c.make().to(device);
}

/** Perturbs running statistics with one training forward, so they are worth round-tripping. */
function trainOnce(m: Module, c: ModuleCase, device: E.Device): void {
  E.scope(() => void m.train().call(E.randn(c.input, { device })));
}

for (const device of testDevices()) {
  describe(`modules on ${device}`, () => {
    for (const c of CASES) {
      test(`${c.name}: state keys, and a round trip through a safetensors file`, () => {
        const before = E.memory().tensors;
        const a = build(c, device, 1);
        const b = build(c, device, 2);
        E.scope(() => {
          assert.deepEqual([...a.stateDict().keys()], c.keys);
          trainOnce(a, c, device);
          const file = path.join(tmp, `${c.name.replace(/\W+/g, '_')}-${device}.safetensors`);
          a.save(file);
          b.load(file);
          const sa = a.stateDict();
          const sb = b.stateDict();
          for (const [key, t] of sa) assertClose(sb.get(key) as E.Tensor, t, { atol: 0 }, key);
          for (const [, p] of b.namedParameters()) assert.ok(p.value.requiresGrad && p.value.isLeaf, 'parameters stay trainable leaves');
          const x = E.randn(c.input, { device });
          assertClose(b.eval().call(x), a.eval().call(x), { atol: 1e-6 }, 'eval outputs after loading');
        });
        a.dispose();
        b.dispose();
        a.dispose(); // twice is harmless
        assert.equal(E.memory().tensors, before, 'disposing the modules frees every tensor they held');
      });

      test(`${c.name}: train()/eval() reach every submodule and change only what they should`, () => {
        const m = build(c, device, 3);
        E.scope(() => {
          assert.ok(m.modules().every((s) => s.training), 'modules start in training mode');
          m.eval();
          assert.ok(m.modules().every((s) => !s.training), 'eval() reaches every submodule');
          const x = E.randn(c.input, { device });
          const state = new Map([...m.stateDict()].map(([k, t]) => [k, t.clone()]));
          const evalOut = m.call(x);
          for (const [k, t] of m.stateDict()) assertClose(t, state.get(k) as E.Tensor, { atol: 0 }, `${k} unchanged by an eval forward`);
          assertClose(m.call(x), evalOut, { atol: 0 }, 'eval is deterministic');
          const trainOut = m.train().call(x);
          assert.deepEqual([...trainOut.shape], [...evalOut.shape]);
          if (!c.modeDependent) assertClose(trainOut, evalOut, { atol: 1e-6 }, 'train and eval agree');
          else assert.ok(E.abs(E.sub(trainOut, evalOut)).max().item() > 1e-4, 'train and eval differ');
          for (const [k, t] of m.stateDict()) {
            if (k.endsWith('num_batches_tracked')) assert.equal(t.item(), 1, `${k} counts the training batch`);
            if (k.endsWith('running_mean')) assert.ok(E.abs(t).max().item() > 0, `${k} moved in training`);
          }
        });
        m.dispose();
      });

      if (c.input.length === 4) {
        test(`${c.name}: channels-last input and weights give the same output`, () => {
          const m = build(c, device, 4).eval();
          E.scope(() => {
            const x = E.randn(c.input, { device });
            const expected = m.call(x);
            assertClose(m.call(x.contiguous('channels_last')), expected, { atol: 1e-5 }, 'channels-last input');
            m.toMemoryFormat('channels_last');
            assertClose(m.call(x.contiguous('channels_last')), expected, { atol: 1e-5 }, 'channels-last weights and input');
          });
          m.dispose();
        });
      }

      if (c.keys.some((k) => k.endsWith('weight'))) {
        test(`${c.name}: backward reaches every parameter`, () => {
          const m = build(c, device, 5);
          E.scope(() => {
            m.call(E.randn(c.input, { device })).pow(2).sum().backward();
            for (const [name, p] of m.namedParameters()) {
              const g = p.grad;
              assert.ok(g !== null, `${name} has a gradient`);
              assert.deepEqual([...g.shape], [...p.value.shape], `${name}: gradient shape`);
            }
          });
          m.dispose();
        });
      }
    }
  });
}
