// SGD against a plain-number transcription of torch.optim.SGD's update, and the schedules' shapes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from '../../src/engine/index.js';
import { Sgd } from '../../src/train/sgd.js';
import { constantSchedule, cosineSchedule, stepSchedule } from '../../src/train/schedule.js';

/** torch.optim.SGD for one scalar parameter with a constant-coefficient loss c * p. */
function referenceSgd(p0: number, c: number, steps: number, rate: number, momentum: number, nesterov: boolean, decay: number): number {
  let p = p0;
  let buffer: number | undefined;
  for (let i = 0; i < steps; i++) {
    let d = c + decay * p;
    if (momentum > 0) {
      buffer = buffer === undefined ? d : momentum * buffer + d;
      d = nesterov ? d + momentum * buffer : buffer;
    }
    p -= rate * d;
  }
  return p;
}

for (const [momentum, nesterov, decay] of [[0, false, 0], [0.9, false, 0], [0.9, true, 5e-4], [0.5, true, 0.1]] as const) {
  test(`SGD momentum ${momentum}, nesterov ${nesterov}, decay ${decay} matches torch.optim.SGD`, () => {
    const coefficients = [0.5, -2, 3];
    const start = [1, -0.25, 2];
    const holder = { value: E.keep(E.tensor(start, { dtype: 'float64' }).requireGrad()) };
    const bias = { value: E.keep(E.tensor([0.75], { dtype: 'float64' }).requireGrad()) };
    const sgd = new Sgd([{ params: [holder], decay: true }, { params: [bias], decay: false }], { momentum, nesterov, weightDecay: decay });
    for (let step = 0; step < 5; step++) {
      E.scope(() => {
        holder.value.mul(E.tensor(coefficients, { dtype: 'float64' })).sum().add(bias.value.mul(2).sum()).backward();
        sgd.step(0.1);
      });
      assert.equal(holder.value.grad, null, 'step() drops the gradients');
    }
    const expected = start.map((p, i) => referenceSgd(p, coefficients[i] as number, 5, 0.1, momentum, nesterov, decay));
    holder.value.toArray().forEach((v, i) => assert.ok(Math.abs(v - (expected[i] as number)) < 1e-12, `param ${i}: ${v} vs ${expected[i]}`));
    const expectedBias = referenceSgd(0.75, 2, 5, 0.1, momentum, nesterov, 0);
    assert.ok(Math.abs(bias.value.item() - expectedBias) < 1e-12, 'no weight decay on the no-decay group');
    sgd.dispose();
    E.disposeAll([holder.value, bias.value]);
  });
}

test('SGD narrowState keeps the momentum rows of the kept indices', () => {
  const holder = { value: E.keep(E.tensor([[1, 1], [2, 2], [3, 3]]).requireGrad()) };
  const sgd = new Sgd([{ params: [holder], decay: false }], { momentum: 0.9 });
  E.scope(() => {
    holder.value.mul(E.tensor([[1, 1], [2, 2], [3, 3]])).sum().backward();
    sgd.step(0.1);
  });
  sgd.narrowState(holder, 0, [0, 2]);
  const names = new Map([[holder, 'w']]);
  E.scope(() => assert.deepEqual(sgd.stateDict(names).get('momentum.w')?.toArray(), [1, 1, 3, 3]));
  sgd.dispose();
  holder.value.dispose();
});

test('SGD rejects invalid settings', () => {
  assert.throws(() => new Sgd([], { momentum: 1 }), /momentum/);
  assert.throws(() => new Sgd([], { weightDecay: -1 }), /weight decay/);
  assert.throws(() => new Sgd([], { nesterov: true }), /Nesterov/);
});

test('cosine schedule: linear warm-up to the base rate, then cosine to 0', () => {
  const s = cosineSchedule({ baseRate: 0.1, totalSteps: 100, warmupSteps: 10 });
  assert.ok(Math.abs(s.rateAt(0) - 0.01) < 1e-12);
  assert.ok(Math.abs(s.rateAt(9) - 0.1) < 1e-12);
  assert.ok(Math.abs(s.rateAt(10) - 0.1) < 1e-12);
  assert.ok(Math.abs(s.rateAt(55) - 0.05) < 1e-12);
  assert.ok(s.rateAt(99) > 0 && s.rateAt(99) < 1e-3);
  for (let i = 11; i < 100; i++) assert.ok(s.rateAt(i) < s.rateAt(i - 1), `decreasing at ${i}`);
});

test('step and constant schedules', () => {
  const s = stepSchedule({ baseRate: 1, totalSteps: 30, milestones: [10, 20], gamma: 0.1 });
  assert.deepEqual([0, 9, 10, 19, 20, 29].map((i) => Number(s.rateAt(i).toPrecision(6))), [1, 1, 0.1, 0.1, 0.01, 0.01]);
  assert.equal(constantSchedule({ baseRate: 0.3, totalSteps: 5 }).rateAt(4), 0.3);
  assert.throws(() => stepSchedule({ baseRate: 1, totalSteps: 30, milestones: [20, 10] }), /increasing/);
  assert.throws(() => cosineSchedule({ baseRate: -1, totalSteps: 30 }), /positive/);
  assert.throws(() => cosineSchedule({ baseRate: 1, totalSteps: 30, warmupSteps: 31 }), /warm-up/);
});

test('a parameter group can have its own constant learning rate and weight decay', () => {
  const own = { value: E.keep(E.tensor([1, 2]).requireGrad()) };
  const shared = { value: E.keep(E.tensor([1, 2]).requireGrad()) };
  const sgd = new Sgd([{ params: [own], decay: true, rate: 0.5, weightDecay: 0.1 }, { params: [shared], decay: true }], { weightDecay: 0.01 });
  E.scope(() => {
    own.value.sum().backward();
    shared.value.sum().backward();
    sgd.step(0.1);
  });
  // own: w - 0.5 * (1 + 0.1 w); shared: w - 0.1 * (1 + 0.01 w)
  assert.deepEqual(own.value.toArray().map((v) => +v.toFixed(6)), [0.45, 1.4]);
  assert.deepEqual(shared.value.toArray().map((v) => +v.toFixed(6)), [0.899, 1.898]);
  assert.throws(() => new Sgd([{ params: [], decay: true, rate: -1 }]), /learning rate must be >= 0/);
  sgd.dispose();
  E.disposeAll([own.value, shared.value]);
});
