// `catrain recommend --sweep DIR (--max-macs X | --max-latency-ms X | --min-acc X)`: the sweep point
// to train at full scale under one constraint (rules in src/sweep/recommend.ts and docs/report.md),
// with the command that trains it. Exit 0 with a recommendation; 3 when no point satisfies the
// constraint (the closest is named); 2 for bad arguments; 1 for an unreadable sweep.
import { Command } from 'commander';
import { closestPoint, fullScaleCommand, readSweep, recommend, ruleText, SweepFileError, type Constraint, type SweepFile, type SweepPoint } from '../../sweep/index.js';
import { badArgument, CliError } from '../errors.js';
import { positiveInt } from '../options.js';

interface RecommendOptions {
  sweep: string;
  maxMacs?: number;
  maxLatencyMs?: number;
  minAcc?: number;
  fullEpochs?: number;
  json?: boolean;
}

/** Exit code when the sweep has no point that satisfies the constraint. */
export const NO_POINT_EXIT_CODE = 3;

class NoPointError extends CliError {
  override get exitCode(): number {
    return NO_POINT_EXIT_CODE;
  }
}

function positiveNumber(flag: string, max = Number.POSITIVE_INFINITY) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > max) {
      throw badArgument(`${flag} must be a positive number${Number.isFinite(max) ? ` up to ${max}` : ''}, got '${value}'`);
    }
    return n;
  };
}

function chosenConstraint(options: RecommendOptions): Constraint {
  const given: Constraint[] = [];
  if (options.maxMacs !== undefined) given.push({ maxMacs: options.maxMacs });
  if (options.maxLatencyMs !== undefined) given.push({ maxLatencyMs: options.maxLatencyMs });
  if (options.minAcc !== undefined) given.push({ minAcc: options.minAcc });
  if (given.length !== 1) {
    throw badArgument(given.length === 0 ? 'no constraint given' : 'give exactly one constraint, not several', 'pass one of --max-macs X, --max-latency-ms X, --min-acc X');
  }
  return given[0] as Constraint;
}

function readSweepOrFail(dir: string): SweepFile {
  try {
    return readSweep(dir);
  } catch (error) {
    if (error instanceof SweepFileError) throw new CliError('RUN_DIR', error.message, 'pass the --out directory of a catrain sweep');
    throw error;
  }
}

const describe = (p: SweepPoint): string =>
  `test top-1 ${p.test_acc.toFixed(2)}%, MACs ${(100 * p.macs_fraction).toFixed(1)}% of dense (${p.macs.toLocaleString('en-US')}), params ${(100 * p.params_fraction).toFixed(1)}%, ` +
  `latency ${p.latency_ms.batch1.toFixed(3)} ms at batch 1 / ${p.latency_ms.batch64.toFixed(2)} ms at batch 64`;

export function recommendCommand(): Command {
  return new Command('recommend')
    .description(`pick the sweep point to train at full scale under one constraint and print the command that trains it (exit ${NO_POINT_EXIT_CODE} when no point satisfies it)`)
    .requiredOption('--sweep <dir>', 'sweep directory written by catrain sweep')
    .option('--max-macs <x>', 'at most this many MACs: ≤ 1 is a fraction of the dense network, > 1 an absolute count', positiveNumber('--max-macs'))
    .option('--max-latency-ms <x>', 'at most this batch-1 CPU latency in milliseconds (as measured by the sweep)', positiveNumber('--max-latency-ms'))
    .option('--min-acc <x>', 'at least this test top-1 accuracy, in percent', positiveNumber('--min-acc', 100))
    .option('--full-epochs <n>', "epochs of the full-scale command (default: the sweep's --full-epochs)", positiveInt('--full-epochs'))
    .option('--json', 'print JSON')
    .action((options: RecommendOptions) => {
      const constraint = chosenConstraint(options);
      const sweep = readSweepOrFail(options.sweep);
      const fullEpochs = options.fullEpochs ?? sweep.full_epochs;
      const withCommand = (p: SweepPoint): SweepPoint => ({
        ...p,
        command: fullScaleCommand({ model: sweep.model, data: sweep.data, fullEpochs, trainArgs: sweep.train_args, setting: p.setting }),
      });
      const found = recommend(sweep, constraint);
      const rule = ruleText(constraint);
      if (found === null) {
        const closest = closestPoint(sweep, constraint);
        if (options.json === true) console.log(JSON.stringify({ constraint, rule, recommendation: null, closest: closest === null ? null : withCommand(closest), full_epochs: fullEpochs }));
        const nearest = closest === null ? 'the sweep has no finished points yet' : `the closest is ${closest.name}: ${describe(closest)}`;
        throw new NoPointError('BAD_DATA', `no point of the sweep in ${options.sweep} satisfies the constraint (${rule}); ${nearest}`, 'relax the constraint, or sweep further settings');
      }
      const point = withCommand(found);
      if (options.json === true) {
        console.log(JSON.stringify({ constraint, rule, recommendation: point, full_epochs: fullEpochs }));
        return;
      }
      const pilot = `${sweep.epochs} epoch${sweep.epochs === 1 ? '' : 's'}${sweep.subset < 1 ? ` on ${(100 * sweep.subset).toFixed(1)}% of the training set` : ''}`;
      console.log(`recommended: ${point.name} (${rule})`);
      console.log(`  pilot (${pilot}): ${describe(point)}`);
      console.log(`train it at full scale (${fullEpochs} epochs, the whole training set):`);
      console.log(`  ${point.command}`);
    });
}
