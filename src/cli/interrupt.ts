// Ctrl-C during training: the first press asks the run to stop after the current step (it then writes
// a checkpoint and the command exits 130); a second press, a second or more later, exits at once
// without one. A worker started by catrain's launcher also stops so when the launcher goes away.
const SAME_PRESS_MS = 1000;

export function interruptOnSigint(stop: () => void, what: string): () => void {
  let first: number | null = null;
  const handler = (): void => {
    const now = Date.now();
    // A terminal's Ctrl-C reaches a launcher's workers directly and through the launcher.
    if (first !== null && now - first < SAME_PRESS_MS) return;
    if (first !== null) process.exit(130);
    first = now;
    process.stderr.write(`\ncatrain: stopping ${what} after the current step and writing its checkpoint (Ctrl-C again to abort without one)\n`);
    stop();
  };
  const orphaned = (): void => stop();
  process.on('SIGINT', handler);
  process.on('disconnect', orphaned);
  return () => {
    process.off('SIGINT', handler);
    process.off('disconnect', orphaned);
  };
}
