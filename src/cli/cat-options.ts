// The CAT flags of `catrain train`, made from the option table (src/cat/options.ts): one flag per row,
// with its help and default. The command line only turns text into values; every check is the row's,
// run with the others by configProblems, so library and command line refuse the same settings.
import path from 'node:path';
import { Option, type Command } from 'commander';
import { CAT_OPTION_FIELDS, optionRow, resolveCatOptions, type CatOptions, type OptionRow } from '../cat/index.js';
import { badArgument } from './errors.js';

/** What commander hands over for the CAT flags: a value per given (or defaulted) option, and --dense. */
export type CatCliOptions = Partial<CatOptions> & { dense?: boolean };

const flagName = (r: OptionRow<unknown>): string => r.flag.split(' ')[0] as string;

function parserOf(r: OptionRow<unknown>): ((text: string, previous: unknown) => unknown) | undefined {
  const flag = flagName(r);
  switch (r.value.kind) {
    case 'flag':
      return undefined;
    case 'choice':
      return (text) => text;
    case 'path':
      return (text) => path.resolve(text);
    case 'number':
    case 'integer': {
      const integer = r.value.kind === 'integer';
      return (text) => {
        const n = Number(text);
        if (text.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) throw badArgument(`${flag} must be ${integer ? 'an integer' : 'a number'}, got '${text}'`);
        return n;
      };
    }
    case 'list':
      return (text, previous) => {
        const parts = text.split(',').map((p) => p.trim()).filter((p) => p !== '');
        if (parts.length === 0) throw badArgument(`${flag} needs a value such as 'layer3.*' or 'conv1', got '${text}'`);
        return [...(Array.isArray(previous) ? previous : []), ...parts];
      };
  }
}

export function addCatOptions(command: Command): Command {
  command.option('--dense', 'train without pruning (same as --strength 0)');
  for (const field of CAT_OPTION_FIELDS) {
    const r = optionRow(field) as OptionRow<unknown>;
    const option = new Option(r.flag, r.help);
    const parse = parserOf(r);
    if (parse !== undefined) option.argParser(parse);
    // A derived default is described in the help; the plain one is shown as commander shows defaults.
    if (r.unset === undefined && r.default !== null && r.value.kind !== 'flag') option.default(r.default);
    command.addOption(option);
  }
  return command;
}

/** The command-line key of a CAT field (commander's attribute name of its flag). */
export const catOptionKey = (field: keyof CatOptions): string => new Option(optionRow(field).flag).attributeName();

/**
 * CatOptions from the parsed flags, or null for a dense run. `isGiven` says whether the user typed an
 * option; the others take their default, or the value their row derives from the run.
 */
export function toCatOptions(o: CatCliOptions, epochs: number, isGiven: (key: string) => boolean): CatOptions | null {
  const given: Partial<CatOptions> = {};
  for (const field of CAT_OPTION_FIELDS) {
    const key = catOptionKey(field);
    const value = (o as Record<string, unknown>)[key];
    if (isGiven(key) && value !== undefined) Object.assign(given, { [field]: value });
  }
  if (o.dense === true || given.strength === 0) {
    if (given.targetMacs !== undefined || given.targetParams !== undefined || given.targetLatency !== undefined) throw badArgument('a budget target (--target-macs/--target-params/--target-latency) needs CAT: drop --dense / --strength 0');
    return null;
  }
  return resolveCatOptions(given, { epochs });
}
