// The physical widths pruning keeps while training: rounded up to --width-multiple, so the pruned
// layers run at the sizes the CPU kernels are fast at (docs/cat.md, "Width multiple").

/**
 * The width multiple a group of `width` units is rounded to: `multiple`, halved until the group holds
 * at least four of it. A multiple of 8 suits a 64-channel stage, but would leave a 6-filter LeNet
 * layer one choice (all or nothing) and a 16-filter one two, so a budget could not be met on them.
 * For a power of two, each halving divides the one before, so a width rounded while the group was
 * wider stays rounded as it narrows.
 */
export function groupMultiple(multiple: number, width: number): number {
  let m = multiple;
  while (m > 1 && 4 * m > width) m = Math.max(1, Math.floor(m / 2));
  return m;
}
