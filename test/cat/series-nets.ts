// 1-d networks and data for the CAT tests: a narrow resnet1d, noisy sines as a sequence dataset, a
// functional 1-d CNN as a user would write one, and RowSeries, which reads a signal stored as a
// 1 x L image (a squeeze that the structure graph passes through).
import * as E from '../../src/engine/index.js';
import { sharedFloats, sharedLabels, type SequenceDataset } from '../../src/data/index.js';
import { BatchNorm1d, Conv1d, Linear, Module } from '../../src/nn/index.js';
import { resnet1d, type ResNet1d } from '../../src/models/index.js';

export class RowSeries extends Module {
  readonly net: Module;

  constructor(net: Module) {
    super();
    this.net = this.registerModule('net', net);
  }

  forward(x: E.Tensor): E.Tensor {
    return this.net.call(E.squeeze(x, 2));
  }
}

/** Wang et al.'s ResNet at widths 8, 16, 16, small enough to train in a test. */
export const smallResNet1d = (classes = 3): ResNet1d => resnet1d({ numClasses: classes, widths: [8, 16, 16] });

/** One-channel signals of `length` steps whose class is the frequency of a noisy sine (1, 2 or 3 periods). */
export function sineSeries(count: number, seed: number, length = 24, classes = 3): SequenceDataset {
  let state = seed * 2654435761 + 1;
  const next = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const values = sharedFloats(count * length);
  const labels = sharedLabels(count, classes);
  for (let i = 0; i < count; i++) {
    const label = Math.floor(next() * classes);
    const phase = next() * 2 * Math.PI;
    labels[i] = label;
    for (let t = 0; t < length; t++) {
      const value = Math.sin(phase + (2 * Math.PI * (label + 1) * t) / length) + 0.3 * (next() - 0.5);
      values[i * length + t] = value;
    }
  }
  return { kind: 'sequence', name: 'synthetic-sines', values, labels, count, channels: 1, length, numClasses: classes, normalization: { mean: [0], std: [1] } };
}

/**
 * A 1-d CNN with functional ops, as a user would write it: conv-BN, functional ReLU and max-pool,
 * and a flatten of [N, C, L] into a Linear.
 */
export class FunctionalCnn1d extends Module {
  readonly conv: Conv1d;
  readonly bn: BatchNorm1d;
  readonly fc1: Linear;
  readonly fc2: Linear;

  constructor() {
    super();
    this.conv = this.registerModule('conv', new Conv1d(2, 6, 3, { padding: 1, bias: false }));
    this.bn = this.registerModule('bn', new BatchNorm1d(6));
    this.fc1 = this.registerModule('fc1', new Linear(6 * 5, 12));
    this.fc2 = this.registerModule('fc2', new Linear(12, 3));
  }

  forward(x: E.Tensor): E.Tensor {
    const h = E.maxPool1d(E.relu(this.bn.call(this.conv.call(x))), 2);
    return this.fc2.call(E.relu(this.fc1.call(h.flatten(1))));
  }
}
