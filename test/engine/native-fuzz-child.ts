// Child process of native-fuzz.test.ts: calls every entry of the addon with arguments of the wrong
// types and counts. Each call must either work or throw a JS error; if the process aborts instead,
// the parent sees the signal and the last entry named on stdout.
import { native } from '../../src/engine/native.js';
import * as E from '../../src/engine/index.js';

const live = E.keep(E.ones([2, 2]));
const handle = (live as unknown as { handle: number }).handle;
// Entries that would change global state for the rest of the run in a way the fuzz does not undo
// are called with well-formed arguments only after the wrong ones.
const BAD: unknown[][] = [
  [],
  [undefined],
  [null],
  ['text'],
  [{}],
  [[]],
  [-1],
  [1e30],
  [Number.NaN],
  [2 ** 32 + 5],
  [handle, 'text', {}, [], null],
  [handle, -1, -1, -1, -1, -1],
  [handle, [1, 'a', null]],
  [handle, handle, handle, handle, handle, handle, handle, handle],
  ['add', ''],
  ['no_such_op', 'nope'],
  [0, handle, handle],
  [1e9, handle],
  [handle, Symbol('s')],
  [handle, 1n],
];
const entries = Object.entries(native as unknown as Record<string, unknown>).filter(([, v]) => typeof v === 'function') as [string, (...a: unknown[]) => unknown][];
let calls = 0;
for (const [name, fn] of entries) {
  process.stdout.write(`${name}\n`);
  for (const args of BAD) {
    try {
      fn(...args);
    } catch {
      // A JS error is the contract.
    }
    calls++;
  }
}
try {
  (native as unknown as { setGradEnabled(v: boolean): boolean }).setGradEnabled(true);
} catch {
  // already enabled
}
process.stdout.write(`done ${entries.length} entries, ${calls} calls\n`);
