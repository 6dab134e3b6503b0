// Where the per-op time of a tiny op goes (not a test): `node dist/bench/engine-overhead.js [--json]`.
// Each line times one more layer of a 1-element add, so the differences show each layer's cost:
//   addon        the addon's call entry and dispose, handles only (no Tensor objects)
//   tensor       plus the Tensor wrapper (scope tracking, GC backstop)
//   api          a.add(b).dispose(), the public path, outside any scope
//   scoped       a.add(b) inside a scope that frees the results when it closes
import { native } from '../src/engine/native.js';
import * as E from '../src/engine/index.js';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] as number;
}

/** Median microseconds per call over `rounds` rounds of `perRound` calls. */
function micros(fn: (n: number) => void, rounds = 31, perRound = 2000): number {
  fn(5000);
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    fn(perRound);
    samples.push(Number(process.hrtime.bigint() - start) / 1e3 / perRound);
  }
  return median(samples);
}

const a = E.ones([1]);
const b = E.ones([1]);
const add = E.aten('add', 'Tensor');
const id = add.id();
const [ha, hb] = [a.handle, b.handle];

const result = {
  addon: micros((n) => {
    for (let i = 0; i < n; i++) native.dispose(native.call(id, ha, hb, 1) as number);
  }),
  tensor: micros((n) => {
    for (let i = 0; i < n; i++) E.Tensor.fromHandle(native.call(id, ha, hb, 1) as number).dispose();
  }),
  api: micros((n) => {
    for (let i = 0; i < n; i++) a.add(b).dispose();
  }),
  scoped: micros((n) =>
    E.scope(() => {
      for (let i = 0; i < n; i++) a.add(b);
    }),
  ),
};
if (process.argv.includes('--json')) console.log(JSON.stringify(result));
else for (const [name, us] of Object.entries(result)) console.log(`${name.padEnd(8)} ${us.toFixed(3)} us`);
