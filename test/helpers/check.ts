// Numerical checking helpers for engine tests: closeness assertions, central-difference gradients
// and a gradcheck that compares autograd against them.
import assert from 'node:assert/strict';

import { Tensor, noGrad, scope, tensor } from '../../src/engine/index.js';

/** Numbers nested to any depth (expected values written as literal arrays). */
export type Nested = number | boolean | bigint | readonly Nested[];

export interface Tolerance {
  /** Absolute tolerance (default 1e-6). */
  atol?: number;
  /** Relative tolerance, scaled by |expected| (default 0). */
  rtol?: number;
}

/** Flattens a tensor, typed array, array-like or nested array into plain numbers. */
export function flat(value: Tensor | ArrayLike<number | bigint | boolean> | Nested): number[] {
  if (value instanceof Tensor) return value.toArray();
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return [Number(value)];
  if (Array.isArray(value)) return (value as readonly Nested[]).flat(Infinity as 1).map((v) => Number(v as number | bigint | boolean));
  return Array.from(value as ArrayLike<number | bigint | boolean>, (v) => Number(v));
}

/** The shape of a nested array literal (its first elements' lengths). */
function nestedShape(value: Nested): number[] {
  const shape: number[] = [];
  let level: Nested = value;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = (level as readonly Nested[])[0] ?? 0;
  }
  return shape;
}

/**
 * Asserts |actual - expected| <= atol + rtol * |expected| elementwise. NaN matches only NaN and
 * infinities match only themselves. When `actual` is a tensor and `expected` a tensor or a nested
 * array of rank >= 2, the shapes must match too. The failure message names the first mismatching index.
 */
export function assertClose(
  actual: Tensor | ArrayLike<number | bigint | boolean>,
  expected: Tensor | ArrayLike<number | bigint | boolean> | Nested,
  tolerance: Tolerance = {},
  label = 'value',
): void {
  const { atol = 1e-6, rtol = 0 } = tolerance;
  if (actual instanceof Tensor && expected instanceof Tensor) {
    assert.deepEqual([...actual.shape], [...expected.shape], `${label}: shape [${actual.shape.join(', ')}] differs from the expected [${expected.shape.join(', ')}]`);
  } else if (actual instanceof Tensor && Array.isArray(expected)) {
    const shape = nestedShape(expected as Nested);
    if (shape.length >= 2) {
      assert.deepEqual([...actual.shape], shape, `${label}: shape [${actual.shape.join(', ')}] differs from the expected [${shape.join(', ')}]`);
    }
  }
  const a = flat(actual);
  const e = flat(expected as Tensor | Nested);
  assert.equal(a.length, e.length, `${label}: ${a.length} elements, expected ${e.length}`);
  for (let i = 0; i < e.length; i++) {
    const x = a[i] as number;
    const y = e[i] as number;
    const ok = Number.isNaN(y) ? Number.isNaN(x) : !Number.isFinite(y) ? x === y : Math.abs(x - y) <= atol + rtol * Math.abs(y);
    if (!ok) {
      assert.fail(`${label}: mismatch at flat index ${i}: actual ${x}, expected ${y} (|diff| ${Math.abs(x - y)}, atol ${atol}, rtol ${rtol})`);
    }
  }
}

/**
 * Central-difference gradient of a scalar-valued `fn` at `x` (float64): (f(x + eps e_i) - f(x - eps e_i)) / 2 eps
 * for every element i. `fn` runs under noGrad on fresh copies of x; x itself is not modified.
 */
export function numericGradient(fn: (x: Tensor) => Tensor, x: Tensor, eps = 1e-6): Float64Array {
  assert.equal(x.dtype, 'float64', 'numericGradient needs a float64 input');
  const base = x.to('float64').data<'float64'>();
  const shape = [...x.shape];
  const out = new Float64Array(base.length);
  const evaluate = (values: Float64Array): number =>
    noGrad(() =>
      scope(() => {
        const y = fn(tensor(values, { shape }));
        assert.equal(y.numel, 1, `numericGradient: fn must return a scalar, got shape [${y.shape.join(', ')}]`);
        return y.item();
      }),
    );
  const work = Float64Array.from(base);
  for (let i = 0; i < base.length; i++) {
    const v = base[i] as number;
    work[i] = v + eps;
    const plus = evaluate(work);
    work[i] = v - eps;
    const minus = evaluate(work);
    work[i] = v;
    out[i] = (plus - minus) / (2 * eps);
  }
  return out;
}

export interface GradCheckOptions extends Tolerance {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
}

/**
 * Gradcheck: runs fn(...inputs) (which must return a scalar), calls backward, and compares the
 * gradient of every input that requires grad with the central-difference gradient. All inputs must
 * be float64. Input gradients are reset before and after. Returns the analytic gradients (null for
 * inputs that do not require grad) so callers can make extra assertions.
 */
export function checkGradient(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options: GradCheckOptions = {},
): (Float64Array | null)[] {
  const { atol = 1e-6, rtol = 1e-5, eps = 1e-6 } = options;
  const checked = inputs.filter((t) => t.requiresGrad);
  assert.ok(checked.length > 0, 'checkGradient: no input requires grad, so nothing would be checked');
  for (const t of inputs) assert.equal(t.dtype, 'float64', 'checkGradient needs float64 inputs');
  for (const t of checked) t.zeroGrad();

  const analytic = scope(() => {
    const y = fn(...inputs);
    assert.equal(y.numel, 1, `checkGradient: fn must return a scalar, got shape [${y.shape.join(', ')}]`);
    assert.ok(y.requiresGrad, 'checkGradient: the output does not require grad (is the graph connected?)');
    y.backward();
    return inputs.map((t) => {
      if (!t.requiresGrad) return null;
      const g = t.grad;
      assert.ok(g !== null, 'checkGradient: an input that requires grad received no gradient');
      assert.deepEqual([...g.shape], [...t.shape], 'checkGradient: gradient shape differs from input shape');
      return Float64Array.from(g.data<'float64'>());
    });
  });
  for (const t of checked) t.zeroGrad();

  inputs.forEach((t, k) => {
    const grad = analytic[k];
    if (grad === null || grad === undefined) return;
    const numeric = numericGradient((x) => fn(...inputs.map((other, j) => (j === k ? x : other))), t, eps);
    assertClose(grad, numeric, { atol, rtol }, `gradient of input ${k} (analytic vs numeric)`);
  });
  return analytic;
}
