// Whether a documented catrain command uses only options that exist. Each long option is looked up in
// the help of its subcommand (`catrain bench train --help`), which commander writes from the same
// declarations that parse the options; this also covers commands the test does not run.
import { spawnSync } from 'node:child_process';
import type { DocCommand } from './extract.js';
import { subcommand } from './plan.js';

/** An option line of commander's help: two spaces, maybe a short flag, then the long one. */
const OPTION_LINE = /^ {2}(?:-\w, )?(--[\w-]+)/gm;

/** A check of `npx catrain` commands against the help of the program `bin` (run with this Node). */
export function optionCheck(bin: string): (command: DocCommand) => string[] {
  const known = new Map<string, Set<string> | string>();
  const optionsOf = (name: string[]): Set<string> | string => {
    const key = name.join(' ');
    let options = known.get(key);
    if (options === undefined) {
      const help = spawnSync(process.execPath, [bin, ...name, '--help'], { encoding: 'utf8', timeout: 60_000 });
      // Commander answers `--help` after an unknown command with the program's own help.
      const usage = ['Usage: catrain', ...name, '['].join(' ');
      if (help.status !== 0) options = `\`catrain ${key} --help\` exited ${help.status}: ${help.stderr.trim()}`;
      else if (!help.stdout.startsWith(usage)) options = `catrain has no command '${key}'`;
      else options = new Set([...help.stdout.matchAll(OPTION_LINE)].map((m) => m[1] as string));
      known.set(key, options);
    }
    return options;
  };
  return (command) => {
    const name = subcommand(command);
    const options = optionsOf(name);
    if (typeof options === 'string') return [options];
    return command.words
      .slice(2 + name.length)
      .filter((word) => word.startsWith('--'))
      .map((word) => word.split('=')[0] as string)
      .filter((option) => !options.has(option))
      .map((option) => `${option} is not an option of \`catrain ${[...name, '--help'].join(' ')}\``);
  };
}
