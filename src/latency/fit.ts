// The per-layer latency fit: t = a * n_in * n_out + b * n_in + c * n_out + d by least squares on
// relative error (a 0.05 ms layer matters as much as a 5 ms one). A width that was not varied (a
// group the gates cannot change) leaves its terms out, so the fit is never underdetermined.
import type { LayerLatency, LatencySample } from '../cat/latency.js';

/** Solves the square system m x = v by Gaussian elimination with partial pivoting. */
function solve(m: number[][], v: number[]): number[] {
  const n = v.length;
  const a = m.map((row, i) => [...row, v[i] as number]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs((a[r] as number[])[col] as number) > Math.abs((a[pivot] as number[])[col] as number)) pivot = r;
    [a[col], a[pivot]] = [a[pivot] as number[], a[col] as number[]];
    const p = (a[col] as number[])[col] as number;
    if (Math.abs(p) < 1e-12) throw new RangeError('latency fit: the samples do not determine the coefficients');
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = ((a[r] as number[])[col] as number) / p;
      for (let c = col; c <= n; c++) (a[r] as number[])[c] = ((a[r] as number[])[c] as number) - f * ((a[col] as number[])[c] as number);
    }
  }
  return a.map((row, i) => (row[n] as number) / (row[i] as number));
}

/** Root mean square and largest of relative errors. */
export interface RelativeError {
  rmsRelative: number;
  maxRelative: number;
}

export function relativeError(pairs: readonly (readonly [predicted: number, measured: number])[]): RelativeError {
  const errors = pairs.map(([p, m]) => Math.abs(p - m) / m);
  return { rmsRelative: Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / errors.length), maxRelative: Math.max(...errors) };
}

/** The coefficients minimising the squared relative error of x . coefficients against y over the rows. */
export function relativeLeastSquares(rows: readonly { readonly x: readonly number[]; readonly y: number }[]): number[] {
  const k = rows[0]?.x.length ?? 0;
  const normal = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const rhs = new Array<number>(k).fill(0);
  for (const { x, y } of rows) {
    const w = 1 / (y * y);
    for (let r = 0; r < k; r++) {
      rhs[r] = (rhs[r] as number) + w * (x[r] as number) * y;
      for (let c = 0; c < k; c++) (normal[r] as number[])[c] = ((normal[r] as number[])[c] as number) + w * (x[r] as number) * (x[c] as number);
    }
  }
  return solve(normal, rhs);
}

export type LayerFit = LayerLatency & RelativeError;

export function fitLayer(samples: readonly LatencySample[]): LayerFit {
  if (samples.length === 0) throw new RangeError('latency fit: no samples');
  const varies = (k: 0 | 1): boolean => new Set(samples.map((s) => s[k])).size > 1;
  const inVaries = varies(0);
  const outVaries = varies(1);
  // Each basis function with its coefficient's name; the columns are scaled to 1 for conditioning.
  const basis: [keyof LayerLatency, (nIn: number, nOut: number) => number][] = [['d', () => 1]];
  if (inVaries) basis.push(['b', (i) => i]);
  if (outVaries) basis.push(['c', (_, o) => o]);
  if (inVaries && outVaries) basis.push(['a', (i, o) => i * o]);
  const scale = basis.map(([, f]) => Math.max(...samples.map(([i, o]) => Math.abs(f(i, o)))) || 1);
  const solved = relativeLeastSquares(samples.map(([nIn, nOut, ms]) => ({ x: basis.map(([, f], j) => f(nIn, nOut) / (scale[j] as number)), y: ms })));
  const coef: Record<keyof LayerLatency, number> = { a: 0, b: 0, c: 0, d: 0 };
  basis.forEach(([name], j) => (coef[name] = (solved[j] as number) / (scale[j] as number)));
  return { ...coef, ...relativeError(samples.map(([nIn, nOut, ms]) => [coef.a * nIn * nOut + coef.b * nIn + coef.c * nOut + coef.d, ms])) };
}
