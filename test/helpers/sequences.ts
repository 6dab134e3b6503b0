// A small in-memory sequence dataset whose label is learnable from the values: class k is a sine of
// k + 1 periods over the window, at a random phase, in channel 0; channel 1 is noise.
import { sharedFloats, sharedLabels, type SequenceDataset } from '../../src/data/index.js';
import { Rng } from '../../src/data/rng.js';

export function syntheticSequences(count: number, seed: number, { channels = 2, length = 32, numClasses = 3 } = {}): SequenceDataset {
  const rng = new Rng(seed);
  const values = sharedFloats(count * channels * length);
  const labels = sharedLabels(count, numClasses);
  for (let i = 0; i < count; i++) {
    const label = rng.below(numClasses);
    labels[i] = label;
    const phase = rng.uniform() * 2 * Math.PI;
    for (let c = 0; c < channels; c++) {
      for (let t = 0; t < length; t++) {
        const signal = c === 0 ? Math.sin(phase + (2 * Math.PI * (label + 1) * t) / length) : 0;
        values[(i * channels + c) * length + t] = signal + 0.2 * rng.normal();
      }
    }
  }
  return {
    kind: 'sequence', name: 'synthetic-sequences', values, labels, count, channels, length, numClasses,
    classNames: Array.from({ length: numClasses }, (_, k) => `class-${k}`),
    normalization: { mean: Array<number>(channels).fill(0), std: Array<number>(channels).fill(1) },
  };
}
