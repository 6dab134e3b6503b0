// A small seeded generator (xoshiro128**, Blackman & Vigna 2018, seeded through splitmix32) and a hash
// that derives independent streams from (seed, stream, epoch, batch). Every random choice in src/data
// comes from such a stream, so shuffles and augmentations are a pure function of those numbers: the
// basis of exact resume and of results that do not depend on worker timing.

/** murmur3's 32-bit finaliser: a bijective mix in which every input bit affects every output bit. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hashes non-negative integers (each below 2^53) to one 32-bit seed; order matters. */
export function hashSeed(...parts: readonly number[]): number {
  let h = 0x243f6a88;
  for (const part of parts) {
    // Both 32-bit halves, so seeds above 2^32 stay distinct.
    h = fmix32((h ^ (part >>> 0)) + 0x9e3779b9);
    h = fmix32((h ^ Math.floor(part / 0x100000000)) + 0x9e3779b9);
  }
  return h;
}

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

/** xoshiro128**: 32-bit outputs, period 2^128 - 1; fast with Math.imul and small enough to read. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** Seeds the four state words from a 32-bit seed with splitmix32, as the authors recommend. */
  constructor(seed: number) {
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      return fmix32(s);
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    if ((this.a | this.b | this.c | this.d) === 0) this.d = 1; // the all-zero state never leaves zero
  }

  /** A generator with the given raw state (for checking against the reference implementation). */
  static fromState(state: readonly [number, number, number, number]): Rng {
    const rng = new Rng(0);
    [rng.a, rng.b, rng.c, rng.d] = state.map((word) => word | 0) as [number, number, number, number];
    return rng;
  }

  /** The next uniform 32-bit unsigned integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** A uniform integer in [0, n) for n <= 2^32, by multiply-and-shift (bias below n / 2^32). */
  below(n: number): number {
    return Math.floor((this.nextU32() * n) / 0x100000000);
  }

  /** A uniform number in [0, 1), from one 32-bit output. */
  uniform(): number {
    return this.nextU32() / 0x100000000;
  }

  /**
   * A standard normal number by the Box-Muller transform, from two 32-bit outputs; the first is
   * shifted into (0, 1] so its logarithm is finite.
   */
  normal(): number {
    const u = (this.nextU32() + 1) / 0x100000000;
    const v = this.nextU32() / 0x100000000;
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

/**
 * Stream tags for hashSeed, so the shuffle and the augmentation draws never share a stream. Images
 * draw from one stream per batch; signals from one per sample (`signal`, then the sample's place in
 * its batch), since a jittered sequence takes as many draws as it has values.
 */
export const STREAM = { order: 1, augment: 2, signal: 3 } as const;
