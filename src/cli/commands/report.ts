// `catrain report --run DIR | --sweep DIR [--out FILE]`: writes one self-contained HTML report
// (DIR/report.html by default) that opens offline.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { renderRunReport, renderSweepReport } from '../../report/index.js';
import { SweepFileError } from '../../sweep/index.js';
import { RunDirectoryError, writeTextAtomically } from '../../train/index.js';
import { asCliError, badArgument, CliError } from '../errors.js';

interface ReportOptions {
  run?: string;
  sweep?: string;
  out?: string;
}

export function reportCommand(): Command {
  return new Command('report')
    .description('write a self-contained HTML report (works offline) of a run directory or a sweep directory')
    .option('--run <dir>', 'run directory written by catrain train')
    .option('--sweep <dir>', 'sweep directory written by catrain sweep')
    .option('--out <file>', 'where to write the report (default: DIR/report.html)')
    .action((options: ReportOptions) => {
      if ((options.run === undefined) === (options.sweep === undefined)) throw badArgument('pass exactly one of --run DIR and --sweep DIR');
      const dir = (options.run ?? options.sweep) as string;
      if (!existsSync(dir)) {
        throw new CliError('RUN_DIR', `${dir} does not exist`, options.run !== undefined ? 'pass the --out directory of a catrain train run' : 'pass the --out directory of a catrain sweep');
      }
      let html: string;
      try {
        html = options.run !== undefined ? renderRunReport(dir) : renderSweepReport(dir);
      } catch (error) {
        throw asCliError(error, { run: 'pass the --out directory of a catrain train run', sweep: 'pass the --out directory of a catrain sweep' });
      }
      const out = options.out ?? path.join(dir, 'report.html');
      if (options.out !== undefined && !existsSync(path.dirname(path.resolve(out)))) throw badArgument(`--out: directory ${path.dirname(out)} does not exist`);
      writeTextAtomically(out, html);
      console.log(`report written to ${out}`);
    });
}
