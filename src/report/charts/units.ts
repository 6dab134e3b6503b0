// Axis units for MAC counts: millions for big networks, thousands for small ones.
export function macsScale(largest: number): { divisor: number; label: string } {
  return largest >= 1e6 ? { divisor: 1e6, label: 'millions of MACs' } : { divisor: 1e3, label: 'thousands of MACs' };
}
