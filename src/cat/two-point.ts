// The two-point estimator of the layer gates' gradient (docs/method.md section 4, catrain's option):
// g_B = L(xi_B = 1) - L(xi_B = 0), the other gates as drawn, unbiased for dE[L]/dtheta_B. It costs one
// extra forward per gated block with its gate flipped; the probe leaves the model's buffers (BatchNorm
// statistics) as they were, so only the real step moves them.
import * as E from '../engine/index.js';
import { withBuffersRestored, type Module } from '../nn/index.js';
import type { CatController } from './controller.js';

/** g_B for every gated block at this step, or undefined when the gates do not move. */
export function twoPointBlockGradients(cat: CatController, model: Module, step: number, probeLoss: () => number, sampledLoss: number): Map<string, number> | undefined {
  if (!cat.moving(step)) return undefined;
  const grads = new Map<string, number>();
  for (const block of cat.gates.blocks.keys()) {
    const drawn = cat.sampledBlock(block) ?? 1;
    const flipped = E.noGrad(() => withBuffersRestored(model, () => cat.withBlockForced(block, 1 - drawn, () => E.scope(probeLoss))));
    grads.set(block, drawn === 1 ? sampledLoss - flipped : flipped - sampledLoss);
  }
  return grads;
}
