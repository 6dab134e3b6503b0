// `catrain sweep`: short pilot runs of several budgets (or strengths), one after another, each measured
// and recorded in DIR/sweep.json; running the same command again continues an interrupted sweep.
import { Command } from 'commander';
import * as E from '../../engine/index.js';
import { DATASET_SPEC_FORMS } from '../../data/index.js';
import { modelNames } from '../../models/index.js';
import { runSweep, SweepError, SweepFileError, type SweepPoint, type SweepSetting } from '../../sweep/index.js';
import { DEFAULT_CONFIG, NonFiniteLossError, RunDirectoryError, type Trainer } from '../../train/index.js';
import { asCliError, badArgument, CliError } from '../errors.js';
import { interruptOnSigint } from '../interrupt.js';
import { nonNegativeInt, numberIn, positiveInt } from '../options.js';
import { addDataOptions, DATA_OPTION_KEYS } from '../data-options.js';
import { checkModel, pointConfig, recordedDataSpec, type SweepTrainOptions } from '../sweep-config.js';

interface SweepCliOptions extends SweepTrainOptions {
  model?: string;
  data?: string;
  targets?: number[];
  paramTargets?: number[];
  strengths?: number[];
  subset: number;
  fullEpochs?: number;
  out: string;
  threads?: number;
  quiet?: boolean;
}

/** A comma-separated list of numbers, each checked by `inRange` (which names what is allowed). */
function numberList(flag: string, allowed: string, inRange: (n: number) => boolean) {
  return (value: string): number[] => {
    const parts = value.split(',').map((p) => p.trim()).filter((p) => p !== '');
    if (parts.length === 0) throw badArgument(`${flag} needs a comma-separated list of ${allowed}, got an empty list`, `e.g. ${flag} 0.3,0.5,0.7`);
    return parts.map((part) => {
      const n = Number(part);
      if (!Number.isFinite(n) || !inRange(n)) throw badArgument(`${flag}: '${part}' is not ${allowed}`, `e.g. ${flag} 0.3,0.5,0.7`);
      return n;
    });
  };
}

const fractionList = (flag: string) => numberList(flag, 'a fraction in (0, 1]', (n) => n > 0 && n <= 1);

function chosenSettings(options: SweepCliOptions): SweepSetting[] {
  const lists: [SweepSetting['kind'], number[] | undefined][] = [
    ['target-macs', options.targets],
    ['target-params', options.paramTargets],
    ['strength', options.strengths],
  ];
  const given = lists.filter(([, values]) => values !== undefined);
  if (given.length !== 1) throw badArgument(given.length === 0 ? 'say what to sweep: --targets, --param-targets or --strengths' : 'give one of --targets, --param-targets and --strengths, not several');
  const [kind, values] = given[0] as [SweepSetting['kind'], number[]];
  const unique = [...new Set(values)];
  return unique.map((value) => ({ kind, value }));
}

/** Train flags given on the command line, as `catrain train` takes them, for the full-scale commands. */
const PASSED_ON = ['batchSize', 'lr', 'momentum', 'weightDecay', 'warmupEpochs', 'seed', 'workers', 'device', 'augment', ...DATA_OPTION_KEYS, 'layerPreference', 'unitsOnly', 'layersOnly'] as const;

function trainArgs(command: Command, options: SweepCliOptions): string[] {
  const flag = (key: string): string => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  const args: string[] = [];
  for (const key of PASSED_ON) {
    if (command.getOptionValueSource(key) !== 'cli') continue;
    const value = options[key];
    if (key === 'augment') args.push(value === true ? '--augment' : '--no-augment');
    else if (typeof value === 'boolean') args.push(flag(key));
    else args.push(flag(key), String(value));
  }
  return args;
}

export const pointLine = (p: SweepPoint): string =>
  `${p.name}: top-1 ${p.test_acc.toFixed(2)}%, MACs ${(100 * p.macs_fraction).toFixed(1)}% of dense (${p.macs.toLocaleString('en-US')}), ` +
  `params ${(100 * p.params_fraction).toFixed(1)}%, latency ${p.latency_ms.batch1.toFixed(3)} ms (batch 1) / ${p.latency_ms.batch64.toFixed(2)} ms (batch 64), trained in ${p.train_seconds.toFixed(1)} s`;

export function sweepCommand(): Command {
  const d = DEFAULT_CONFIG;
  return addDataOptions(
    new Command('sweep')
      .description('pilot sweep: short CAT runs at several budgets or strengths into DIR/<name>/, measured (accuracy, MACs, params, training time, CPU latency) into DIR/sweep.json; run the same command again to continue an interrupted sweep')
      .option('--model <name>', `model: ${modelNames().join(', ')}`)
      .option('--data <spec>', `dataset: ${DATASET_SPEC_FORMS.join(', ')}`)
      .option('--targets <fractions>', 'MAC budgets to sweep, fractions of the dense network in (0, 1], comma-separated (e.g. 0.3,0.5,0.7)', fractionList('--targets'))
      .option('--param-targets <fractions>', 'parameter budgets to sweep, fractions in (0, 1], comma-separated', fractionList('--param-targets'))
      .option('--strengths <gammas>', 'CAT strengths to sweep, comma-separated numbers ≥ 0 (0: the dense network)', numberList('--strengths', 'a number ≥ 0', (n) => n >= 0 && n <= 1e6))
      .option('--subset <fraction>', 'fraction of the training set each pilot trains on (the test set stays whole)', numberIn('--subset', 0, 1, { exclusiveMin: true }), 1)
      .option('--epochs <n>', 'epochs of each pilot run', positiveInt('--epochs'), d.epochs)
      .option('--full-epochs <n>', `epochs of the full-scale commands the sweep records (default: train's default, ${d.epochs})`, positiveInt('--full-epochs'))
      .requiredOption('--out <dir>', 'sweep directory (new or empty, or a sweep to continue)')
      .option('--batch-size <n>', 'training batch size', positiveInt('--batch-size'), d.batchSize)
      .option('--lr <rate>', 'peak learning rate', numberIn('--lr', 0, 100, { exclusiveMin: true }), d.lr)
      .option('--momentum <m>', 'SGD momentum', numberIn('--momentum', 0, 0.999), d.momentum)
      .option('--weight-decay <wd>', 'L2 weight decay', numberIn('--weight-decay', 0, 1), d.weightDecay)
      .option('--warmup-epochs <n>', 'linear warm-up epochs', nonNegativeInt('--warmup-epochs'), d.warmupEpochs)
      .option('--seed <n>', 'seed of every point', nonNegativeInt('--seed'), d.seed)
      .option('--augment', 'pad-4 random crop + horizontal flip (default for CIFAR and image folders)')
      .option('--no-augment', 'no augmentation (default for MNIST and Fashion-MNIST)'),
  )
    .option('--workers <n>', 'data worker threads', nonNegativeInt('--workers'), d.workers)
    .option('--device <device>', "training device: 'cpu', 'cuda' or 'cuda:N' (latency is always measured on the CPU)", d.device)
    .option('--layer-preference <alpha>', 'CAT: layers vs units (alpha)', numberIn('--layer-preference', 0, 1e6, { exclusiveMin: true }), 1)
    .option('--units-only', 'prune units/filters only')
    .option('--layers-only', 'prune whole residual blocks only')
    .option('--threads <n>', 'libtorch intra-op threads, for training and latency (default: all cores)', positiveInt('--threads'))
    .option('--quiet', 'no progress output')
    .action(async (options: SweepCliOptions, self: Command) => {
      const settings = chosenSettings(options);
      const model = checkModel(options.model);
      if (options.data === undefined) throw badArgument('--data is required', `dataset specs: ${DATASET_SPEC_FORMS.join(', ')}`);
      const data = recordedDataSpec(options.data);
      try {
        E.checkDevice(options.device);
      } catch (error) {
        throw badArgument((error as Error).message);
      }
      // Checks every setting's config before the first one trains.
      for (const setting of settings) pointConfig(model, data, options, setting);
      if (options.threads !== undefined) E.setNumThreads(options.threads);
      const quiet = options.quiet === true;
      const current: { trainer: Trainer | null } = { trainer: null };
      const removeHandler = interruptOnSigint(() => {
        if (current.trainer !== null) current.trainer.run.stopTraining = true;
      }, 'this point');
      try {
        const result = await runSweep({
          out: options.out,
          settings,
          subset: options.subset,
          fullEpochs: options.fullEpochs ?? d.epochs,
          trainArgs: trainArgs(self, options),
          configFor: (setting) => pointConfig(model, data, options, setting),
          progress: !quiet,
          onTrainer: (trainer) => {
            current.trainer = trainer;
          },
          onStart: (name, action) => {
            if (!quiet) process.stderr.write(`catrain sweep: ${name}: ${action === 'skip' ? 'already recorded, skipped' : action === 'resume' ? 'resuming its run' : 'training'}\n`);
          },
          onPoint: (point) => {
            if (!quiet) console.log(pointLine(point));
          },
        });
        if (!result.completed) {
          throw new CliError('INTERRUPTED', `sweep stopped; ${result.sweep.points.length} of ${result.sweep.settings.length} points recorded`, 'continue with the same catrain sweep command');
        }
        if (!quiet) {
          console.log(`sweep of ${result.sweep.points.length} points in ${options.out}; Pareto front (accuracy vs MACs): ${result.sweep.pareto.join(', ')}`);
          console.log(`next: catrain report --sweep ${options.out}; catrain recommend --sweep ${options.out} --max-macs 0.5`);
        }
      } catch (error) {
        throw asCliError(error);
      } finally {
        removeHandler();
      }
    });
}
