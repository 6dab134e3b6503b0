// A sweep setting's name (its sub-run directory) and the train flag that asks for it.
import type { SweepSetting } from './types.js';

const PREFIX: Record<SweepSetting['kind'], string> = { 'target-macs': 'macs', 'target-params': 'params', strength: 'strength' };

/** e.g. 'macs-0.3', 'params-0.5', 'strength-1': unique per setting, safe as a directory name. */
export function settingName(setting: SweepSetting): string {
  return `${PREFIX[setting.kind]}-${setting.value}`;
}

/** The `catrain train` flag and value of a setting, e.g. ['--target-macs', '0.3']. */
export function settingFlag(setting: SweepSetting): [string, string] {
  return [`--${setting.kind}`, String(setting.value)];
}

export const sameSetting = (a: SweepSetting, b: SweepSetting): boolean => a.kind === b.kind && a.value === b.value;
