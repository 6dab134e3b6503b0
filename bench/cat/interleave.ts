// Timing several variants of a step fairly on a shared machine: two warm-up calls each, then rounds
// in which every variant runs `steps` calls in turn, so background load hits them alike. Returns each
// variant's median milliseconds per call.
export interface TimedVariant {
  step: () => void;
}

export function medianStepMs(variants: readonly TimedVariant[], rounds: number, steps: number): number[] {
  for (const v of variants) for (let i = 0; i < 2; i++) v.step();
  const times = variants.map((): number[] => []);
  for (let r = 0; r < rounds; r++) {
    variants.forEach((v, index) => {
      const start = performance.now();
      for (let i = 0; i < steps; i++) v.step();
      times[index]?.push((performance.now() - start) / steps);
    });
  }
  return times.map((t) => [...t].sort((a, b) => a - b)[t.length >> 1] as number);
}

/** The number after `name` on the command line, or `fallback`. */
export function numberFlag(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}
