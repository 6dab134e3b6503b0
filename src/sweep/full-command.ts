// The `catrain train` command that trains a sweep setting at full scale: the sweep's model, data and
// train options, the setting's flag, the full epoch count, and no subset.
import type { SweepSetting } from './types.js';
import { settingFlag, settingName } from './settings.js';

/** Quotes an argument for a POSIX shell when it holds anything beyond plain path characters. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export interface FullCommandInput {
  model: string;
  data: string;
  fullEpochs: number;
  /** Train flags the sweep passed to every point (without --epochs and --train-subset). */
  trainArgs: readonly string[];
  setting: SweepSetting;
  /** Run directory for the full-scale run (default runs/<model>-<setting name>). */
  out?: string;
}

export function fullScaleCommand(input: FullCommandInput): string {
  const out = input.out ?? `runs/${input.model}-${settingName(input.setting)}`;
  const args = ['catrain', 'train', '--model', input.model, '--data', input.data, '--epochs', String(input.fullEpochs), ...settingFlag(input.setting), ...input.trainArgs, '--out', out];
  return args.map(shellQuote).join(' ');
}
