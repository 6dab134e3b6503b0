// Errors the CLI reports: a code, what happened, and what to do. Library code throws plain errors;
// only the handler at the edge (main.ts) prints and chooses the exit code.
import { CatStateError } from '../cat/index.js';
import { SweepError, SweepFileError } from '../sweep/index.js';
import { SeriesFormatError } from '../data/index.js';
import { ConfigError, NonFiniteLossError, RunDirectoryError } from '../train/index.js';

export type CliErrorCode = 'BAD_ARGUMENT' | 'BAD_DATA' | 'RUN_DIR' | 'DIVERGED' | 'INTERRUPTED' | 'ENVIRONMENT' | 'WORKERS';

export class CliError extends Error {
  constructor(
    readonly code: CliErrorCode,
    message: string,
    readonly suggestion?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }

  /** Bad arguments exit 2, as commander does for its own usage errors; everything else exits 1. */
  get exitCode(): number {
    if (this.code === 'BAD_ARGUMENT') return 2;
    if (this.code === 'INTERRUPTED') return 130;
    return 1;
  }
}

export const badArgument = (message: string, suggestion?: string): CliError => new CliError('BAD_ARGUMENT', message, suggestion);

/** What to tell the user to pass instead, by the kind of directory that was wrong. */
export interface DirectoryHints {
  run?: string;
  sweep?: string;
}

/**
 * A library error as the command line reports it: a run or sweep directory that cannot be used
 * (exit 1, with the hint for its kind), a diverged loss; anything else unchanged.
 */
export function asCliError(error: unknown, hints: DirectoryHints = {}): unknown {
  if (error instanceof CliError) return error;
  if (error instanceof NonFiniteLossError) return new CliError('DIVERGED', error.message);
  // A setting only the data could refuse (a time shift longer than the series) is still a bad argument.
  if (error instanceof ConfigError) return new CliError('BAD_ARGUMENT', error.message);
  if (error instanceof SeriesFormatError) return new CliError('BAD_DATA', error.message);
  if (error instanceof RunDirectoryError || error instanceof CatStateError) return new CliError('RUN_DIR', error.message, hints.run);
  if (error instanceof SweepError || error instanceof SweepFileError) return new CliError('RUN_DIR', error.message, hints.sweep);
  return error;
}

/** Prints an error to stderr and returns the process exit code. */
export function reportError(error: unknown): number {
  if (error instanceof CliError) {
    process.stderr.write(`catrain: ${error.message}\n`);
    if (error.suggestion !== undefined) process.stderr.write(`  ${error.suggestion}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`catrain: ${message}\n`);
  if (process.env.CATRAIN_DEBUG !== undefined && error instanceof Error && error.stack !== undefined) process.stderr.write(`${error.stack}\n`);
  return 1;
}
