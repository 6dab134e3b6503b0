// Placeholder until the run report lands: the signature the dashboard builds against.
export function renderRunReport(runDir: string): string {
  throw new Error(`renderRunReport(${runDir}): not implemented yet`);
}
