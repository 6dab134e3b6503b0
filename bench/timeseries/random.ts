// Continuous draws on top of the project's seeded integer generator, so the benchmark's bytes depend on
// the seed alone (no Math.random, no platform-dependent library).
import { Rng } from '../../src/data/rng.js';

export class Draw {
  private readonly rng: Rng;
  private spare: number | undefined;

  constructor(seed: number) {
    this.rng = new Rng(seed);
  }

  /** Uniform in (0, 1), never exactly 0 (a logarithm of it is finite). */
  unit(): number {
    return (this.rng.nextU32() + 0.5) / 0x100000000;
  }

  uniform(low: number, high: number): number {
    return low + (high - low) * this.unit();
  }

  /** Standard normal by Box-Muller, using both values of each pair. */
  normal(): number {
    if (this.spare !== undefined) {
      const value = this.spare;
      this.spare = undefined;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(this.unit()));
    const angle = 2 * Math.PI * this.unit();
    this.spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  phase(): number {
    return 2 * Math.PI * this.unit();
  }

  chance(p: number): boolean {
    return this.unit() < p;
  }

  below(n: number): number {
    return this.rng.below(n);
  }
}
