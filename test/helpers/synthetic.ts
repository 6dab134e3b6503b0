// A small in-memory image dataset whose label is learnable from the pixels (which quadrant is brightest).
import type { ImageDataset } from '../../src/data/index.js';

export function syntheticDataset(count: number, seed: number, size = 28, channels = 1): ImageDataset {
  let state = seed * 2654435761 + 1;
  const next = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const images = new Uint8Array(count * size * size * channels);
  const labels = new Uint8Array(count);
  const half = size / 2;
  for (let i = 0; i < count; i++) {
    const label = Math.floor(next() * 4);
    labels[i] = label;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const quadrant = (y < half ? 0 : 2) + (x < half ? 0 : 1);
        const base = quadrant === label ? 160 : 40;
        for (let c = 0; c < channels; c++) images[((i * size + y) * size + x) * channels + c] = base + Math.floor(next() * 60);
      }
    }
  }
  return { name: 'synthetic', images, labels, count, height: size, width: size, channels, numClasses: 4 };
}
