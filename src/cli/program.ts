// The catrain command line: assembles the commands and handles errors at the edge (exit 2 for bad
// arguments, 1 for failures, 130 when interrupted). runCli is also the way to give the command line
// networks registered with registerModel: register them, then call runCli from your own script.
import { Command, CommanderError } from 'commander';
import { benchCommand } from './commands/bench.js';
import { dashboardCommand } from './commands/dashboard.js';
import { evalCommand } from './commands/eval.js';
import { exportCommand } from './commands/export.js';
import { infoCommand } from './commands/info.js';
import { latencyProfileCommand } from './commands/latency-profile.js';
import { recommendCommand } from './commands/recommend.js';
import { reportCommand } from './commands/report.js';
import { sweepCommand } from './commands/sweep.js';
import { trainCommand } from './commands/train.js';
import { reportError } from './errors.js';

function program(): Command {
  const root = new Command('catrain')
    .description('Train deep networks while discovering their structure (Complexity-Aware Training) over libtorch')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const command of [trainCommand(), evalCommand(), exportCommand(), infoCommand(), benchCommand(), latencyProfileCommand(), reportCommand(), sweepCommand(), recommendCommand(), dashboardCommand()]) {
    root.addCommand(command);
  }
  // Subcommands inherit exitOverride only when set on them too.
  const override = (command: Command): void => {
    command.exitOverride();
    command.commands.forEach(override);
  };
  override(root);
  return root;
}

/** Runs the command line on `argv` (as process.argv: node, script, args...) and returns the exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  try {
    await program().parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
      return 2;
    }
    return reportError(error);
  }
}

