// The CAT step (docs/method.md section 4) as a Trainer whose trainStep is overridden (the middle of the
// three levels of control in style.md): gates are drawn before the forward, and after the weight step
// the controller updates theta and prunes. The two-point estimator of layer gates runs one extra
// forward per gated block with its gate flipped, with BatchNorm statistics left untouched.
import * as E from '../engine/index.js';
import type { CatController } from '../cat/index.js';
import { BatchNorm, type Module } from '../nn/index.js';
import type { BatchLogs } from './callback.js';
import { gateSample } from './gate-sample.js';
import { Trainer, type TrainerOptions } from './trainer.js';

/** Runs fn and puts every BatchNorm's running statistics and counter back as they were. */
export function withFrozenNormStatistics<T>(model: Module, fn: () => T): T {
  const saved = E.noGrad(() =>
    model
      .modules()
      .filter((m): m is BatchNorm => m instanceof BatchNorm)
      .flatMap((bn) => [bn.runningMean, bn.runningVar, bn.numBatchesTracked])
      .filter((b) => b !== null)
      .map((b) => ({ buffer: b, copy: E.keep(b.value.clone()) })),
  );
  try {
    return fn();
  } finally {
    E.noGrad(() => {
      for (const { buffer, copy } of saved) {
        buffer.value.copy_(copy);
        copy.dispose();
      }
    });
  }
}

export class CatTrainer extends Trainer {
  constructor(
    options: TrainerOptions & { model: Module },
    readonly cat: CatController,
  ) {
    super(options);
    const total = options.epochs * options.train.batchesPerEpoch;
    let peak = 0;
    for (let step = 0; step < total; step += Math.max(1, Math.floor(total / 1000))) peak = Math.max(peak, options.schedule.rateAt(step));
    this.peakRate = peak > 0 ? peak : 1;
  }

  /** The schedule's largest rate (sampled, as schedules are functions of the step). */
  private readonly peakRate: number;

  private get network(): Module {
    return this.options.model as Module;
  }

  override trainStep(x: E.Tensor, y: E.Tensor, rate: number): BatchLogs {
    const { optimizer } = this.options;
    const step = this.run.step;
    this.cat.beginStep(step, y.size(0), optimizer);
    const logits = this.network.call(x);
    const loss = E.crossEntropy(logits, y);
    loss.backward();
    const lossValue = loss.item();
    const correct = E.noGrad(() => logits.argmax(1).eq(y).sum().item());
    if (!Number.isFinite(lossValue)) {
      optimizer.zeroGrad();
      this.cat.discardStep();
      return { loss: lossValue, correct, size: y.size(0), rate };
    }
    const blockGradients = this.cat.options.layerEstimator === 'two-point' ? this.twoPointBlockGradients(x, y, lossValue) : undefined;
    optimizer.step(rate);
    this.cat.endStep(step, optimizer, blockGradients, rate / this.peakRate);
    return { loss: lossValue, correct, size: y.size(0), rate };
  }

  /** g_B = L(xi_B = 1) - L(xi_B = 0), the other gates as drawn: unbiased for dE[L]/dtheta_B. */
  private twoPointBlockGradients(x: E.Tensor, y: E.Tensor, sampledLoss: number): Map<string, number> | undefined {
    if (!this.cat.moving(this.run.step)) return undefined;
    const grads = new Map<string, number>();
    for (const block of this.cat.gates.blocks.keys()) {
      const drawn = this.cat.sampledBlock(block) ?? 1;
      const flipped = E.noGrad(() =>
        withFrozenNormStatistics(this.network, () => this.cat.withBlockForced(block, 1 - drawn, () => E.scope(() => E.crossEntropy(this.network.call(x), y).item()))),
      );
      grads.set(block, drawn === 1 ? sampledLoss - flipped : flipped - sampledLoss);
    }
    return grads;
  }

  override epochExtras(): Record<string, unknown> {
    return { ...this.cat.report(), gate_sample: gateSample(this.cat) };
  }
}
