// Reading the latency profile a CAT run measures compute with (`--latency-profile`).
import { readFileSync } from 'node:fs';
import { checkedLatencyProfile, LatencyProfileError, type LatencyProfile } from '../cat/index.js';

/** The profile in `file`, checked; throws a LatencyProfileError naming the file and the problem. */
export function readLatencyProfile(file: string): LatencyProfile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new LatencyProfileError(`cannot read the latency profile ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): write one with \`catrain latency-profile --model M --out FILE\``);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new LatencyProfileError(`${file} is not JSON, so not a latency profile: write one with \`catrain latency-profile --model M --out FILE\``);
  }
  return checkedLatencyProfile(json, file);
}
