// The physical widths pruning keeps while training: rounded up to --width-multiple, so the pruned
// layers run at the sizes the CPU kernels are fast at (docs/cat.md, "Width multiple").

/** How a group narrower than four width multiples rounds: to a halved multiple, or to the whole one. */
export type NarrowGroups = 'halve' | 'whole';

/** The rounding rule of kept widths (CatOptions holds both fields). */
export interface WidthRounding {
  readonly widthMultiple: number;
  readonly narrowGroups: NarrowGroups;
}

/** Widths kept exactly as the gates leave them. */
export const UNROUNDED: WidthRounding = { widthMultiple: 1, narrowGroups: 'whole' };

/**
 * The width multiple a group of `width` units is rounded to. With 'halve', the multiple is halved
 * until the group holds at least two of it: a multiple of 8 would leave a 6-filter LeNet layer one
 * choice (all or nothing), so a budget could not be met on it. Two, not more: holding a 16-channel
 * ResNet stage to multiples of 4 let it train at 12 and 6 channels, and the pruned network at half
 * the MACs trained slower than the dense one (docs/results.md, issue 16). For a power of two, each
 * halving divides the one before, so a width rounded while the group was wider stays rounded as it
 * narrows: 16 channels go to 8, then 4, 2 and 1. 'whole' is the rule runs saved before 2026-12-04
 * trained with, kept so that they resume as they began.
 */
export function groupMultiple(rounding: WidthRounding, width: number): number {
  let m = rounding.widthMultiple;
  if (rounding.narrowGroups === 'whole') return m;
  while (m > 1 && 2 * m > width) m = Math.max(1, Math.floor(m / 2));
  return m;
}
