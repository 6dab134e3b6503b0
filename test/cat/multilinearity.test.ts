// docs/method.md section 5: on a tiny network with fixed weights, the exact expectation of the loss over
// all gate configurations is affine in each theta (so J's minima lie at vertices), its slope is the
// two-point difference E[L | xi_k = 1] - E[L | xi_k = 0], and the sampler's mean matches it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from '../../src/engine/index.js';
import { buildStructureGraph, GateMultipliers, GateState } from '../../src/cat/index.js';
import { mlp } from '../../src/models/index.js';

test('exact E[L] is affine in each theta, and the sampled loss averages to it', () => {
  E.manualSeed(1);
  const model = mlp([4, 4, 3, 2]);
  const graph = buildStructureGraph(model, [4]);
  const gates = GateState.initial(graph, { units: true, layers: true, protect: [] });
  const ids = [...gates.groups.keys()];
  assert.deepEqual(ids, ['1', '3']);
  const slots = ids.flatMap((id) => gates.groups.get(id)!.theta.map((_, i) => [id, i] as const));
  const multipliers = new GateMultipliers(model, false);
  multipliers.install(graph, gates);
  const x = E.keep(E.randn([5, 4]).mul(3));
  const y = E.keep(E.tensor([0, 1, 1, 0, 1], { dtype: 'int64' }));
  model.train();
  const lossAt = (config: number): number => {
    slots.forEach(([id, i], k) => (gates.groups.get(id)!.theta[i] = (config >> k) & 1));
    return E.noGrad(() =>
      E.scope(() => {
        multipliers.sample(gates, 5, 'cpu');
        const value = E.crossEntropy(model.call(x), y).item();
        multipliers.clear();
        return value;
      }),
    );
  };
  const losses = Array.from({ length: 1 << slots.length }, (_, c) => lossAt(c));
  assert.ok(new Set(losses).size > slots.length, `the gates change the loss (no dead layer): ${new Set(losses).size} distinct`);
  const expectation = (theta: readonly number[]): number =>
    losses.reduce((total, loss, c) => total + loss * theta.reduce((p, t, k) => p * ((c >> k) & 1 ? t : 1 - t), 1), 0);

  const theta = slots.map((_, k) => 0.2 + 0.1 * k);
  for (let k = 0; k < slots.length; k++) {
    const at = (v: number): number => expectation(theta.map((t, j) => (j === k ? v : t)));
    assert.ok(Math.abs(at(0.5) - (at(0) + at(1)) / 2) < 1e-9, `affine in theta_${k}`);
    assert.ok(Math.abs(at(0.9) - at(0.3) - 0.6 * (at(1) - at(0))) < 1e-9, `slope of theta_${k} is the two-point difference`);
  }

  // The sampler: libtorch-drawn gates at these thetas average to the exact expectation.
  slots.forEach(([id, i], k) => (gates.groups.get(id)!.theta[i] = theta[k] as number));
  const samples = 3000;
  let sum = 0;
  let squares = 0;
  for (let s = 0; s < samples; s++) {
    const loss = E.noGrad(() =>
      E.scope(() => {
        multipliers.sample(gates, 5, 'cpu');
        const value = E.crossEntropy(model.call(x), y).item();
        multipliers.clear();
        return value;
      }),
    );
    sum += loss;
    squares += loss * loss;
  }
  const mean = sum / samples;
  const standardError = Math.sqrt((squares / samples - mean * mean) / samples);
  assert.ok(Math.abs(mean - expectation(theta)) < 4 * standardError, `sampled ${mean} vs exact ${expectation(theta)}`);
  multipliers.uninstall();
  E.disposeAll([x, y]);
  model.dispose();
});
