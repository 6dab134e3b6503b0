// The network and batch of the gradient test, made the same way in every process.
import * as E from '../../src/engine/index.js';
import { nn } from '../../src/index.js';

export function gradientTestNet(): nn.Module {
  E.manualSeed(7);
  return new nn.Sequential(new nn.Linear(20, 16), new nn.ReLU(), new nn.Linear(16, 4));
}

/** Eight examples, deliberately not split evenly by three workers. */
export function fixedBatch(count = 8): { x: E.Tensor; y: E.Tensor } {
  E.manualSeed(11);
  return { x: E.keep(E.randn([count, 20])), y: E.keep(E.randint(0, 4, [count])) };
}
