// Ctrl-C during training: the first press asks the run to stop after the current step (it then writes
// a checkpoint and the command exits 130); a second press exits at once, without one.
export function interruptOnSigint(stop: () => void, what: string): () => void {
  let interrupts = 0;
  const handler = (): void => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    process.stderr.write(`\ncatrain: stopping ${what} after the current step and writing its checkpoint (Ctrl-C again to abort without one)\n`);
    stop();
  };
  process.on('SIGINT', handler);
  return () => process.off('SIGINT', handler);
}
