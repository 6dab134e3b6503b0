// Placeholder until the sweep report lands: the signature the dashboard builds against.
export function renderSweepReport(sweepDir: string): string {
  throw new Error(`renderSweepReport(${sweepDir}): not implemented yet`);
}
