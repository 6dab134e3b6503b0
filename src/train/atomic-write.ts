// A file that is rewritten while a run goes on (config, summary, sweep.json) must never be seen half
// written, not even after a kill: the text goes to a temporary name beside it and is renamed into place.
import { renameSync, rmSync, writeFileSync } from 'node:fs';

/** Replaces `target` with `text` in one rename; the temporary file is removed if anything fails. */
export function writeTextAtomically(target: string, text: string): void {
  const temporary = `${target}.tmp-${process.pid}`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
