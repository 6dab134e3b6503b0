// What both docs tests share: the clone they check, the environment and folder the commands run in,
// and the option check of catrain commands.
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DocCommand } from './extract.js';
import { optionCheck } from './options.js';
import { isCatrain, where } from './plan.js';
import { shellEnvironment } from './shell.js';

/** The clone's root, from this file's place in dist/test/docs. */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The files package.json names as the package's commands. */
export const catrainBins: string[] = Object.values((JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin);

// One compute thread per command, as the suite's other command-line tests use: on a busy 2-core
// machine two threads made the sweeps 2.5 times slower. (The pilots' accuracies, which recommend
// holds against 95%, came out the same with one thread and with two.)
export const SHELL_ENV = shellEnvironment({ CATRAIN_THREADS: '1' });

/**
 * A new folder inside the clone (under the git-ignored test-artifacts/) for the commands to run in:
 * npx looks for the package it runs from there upwards. The caller removes it.
 */
export function workFolder(name: string): string {
  mkdirSync(path.join(root, 'test-artifacts'), { recursive: true });
  return mkdtempSync(path.join(root, 'test-artifacts', `${name}-`));
}

const checkOptions = optionCheck(path.join(root, catrainBins[0] as string));

/** Every option of these commands' catrain commands that catrain does not have, with where it is. */
export function optionProblems(commands: readonly DocCommand[]): string[] {
  return commands.filter(isCatrain).flatMap((command) => checkOptions(command).map((problem) => `${where(command)}\n    ${problem}`));
}
