// `catrain train`: trains a model on a dataset into a run directory, or resumes one. Ctrl-C stops after
// the current step, writes a checkpoint, and exits 130.
import { Command } from 'commander';
import * as E from '../../engine/index.js';
import { DATASET_SPEC_FORMS, formatDatasetSpec, parseDatasetSpec } from '../../data/index.js';
import { isModelName, modelNames } from '../../models/index.js';
import type { LatencyProfile } from '../../cat/index.js';
import { latencyRunner, median, NETWORK_EFFORT } from '../../latency/index.js';
import type { Module } from '../../nn/index.js';
import { augmentsByDefault, configProblems, DEFAULT_CONFIG, LATENCY_RUNS, type MeasuredLatency, NonFiniteLossError, resumeRun, RunDirectory, RunDirectoryError, type TrainConfig, type Trainer, trainRun } from '../../train/index.js';
import { architectureTable } from '../../report/index.js';
import { CAT_OPTION_FIELDS, optionRow } from '../../cat/index.js';
import { addDataOptions, checkAugmentFor, type DataCliOptions } from '../data-options.js';
import { addCatOptions, catOptionKey, toCatOptions, type CatCliOptions } from '../cat-options.js';
import { asCliError, badArgument, CliError } from '../errors.js';
import { interruptOnSigint } from '../interrupt.js';
import { addDistributedOptions, distributedStart, joinWorkers, launchWorkers, noteWorkerCount, workerFailure, type DistributedCliOptions } from '../distributed.js';
import { nonNegativeInt, numberIn, oneOf, positiveInt } from '../options.js';

interface TrainOptions extends Omit<TrainConfig, 'model' | 'data' | 'augment' | 'cat' | keyof DataCliOptions>, DataCliOptions, CatCliOptions, DistributedCliOptions {
  augment?: boolean;
  model?: string;
  data?: string;
  out: string;
  resume?: boolean;
  quiet?: boolean;
  threads?: number;
}

const milestoneList = (value: string): number[] => {
  const epochs = value.split(',').map((part) => Number(part.trim()));
  if (epochs.some((epoch) => !Number.isInteger(epoch) || epoch < 1)) throw badArgument(`--milestones must be comma-separated epochs, got '${value}'`);
  return epochs;
};

function toConfig(options: TrainOptions, command: Command): TrainConfig {
  if (options.model === undefined || options.data === undefined) throw badArgument('--model and --data are required (unless --resume)');
  if (!isModelName(options.model)) throw badArgument(`unknown model '${options.model}'`, `choose one of: ${modelNames().join(', ')}`);
  let data: string;
  try {
    // Recorded absolute, so `eval` and `--resume` find the data from any working directory.
    data = formatDatasetSpec(parseDatasetSpec(options.data));
  } catch (error) {
    throw badArgument((error as Error).message, `dataset specs: ${DATASET_SPEC_FORMS.join(', ')}`);
  }
  checkAugmentFor(data, options.augment);
  try {
    E.checkDevice(options.device);
  } catch (error) {
    throw badArgument((error as Error).message);
  }
  const settings = Object.fromEntries(Object.entries(options).filter(([key]) => Object.hasOwn(DEFAULT_CONFIG, key))) as Partial<TrainConfig>;
  const config: TrainConfig = {
    ...DEFAULT_CONFIG,
    ...settings,
    model: options.model,
    data,
    augment: options.augment ?? augmentsByDefault(data),
    cat: toCatOptions(options, options.epochs, (key) => command.getOptionValueSource(key) === 'cli'),
  };
  const problems = configProblems(config);
  if (problems.length > 0) throw badArgument(problems.join('; '));
  return config;
}

function readSavedConfig(out: string): TrainConfig {
  try {
    return new RunDirectory(out).readConfig();
  } catch (error) {
    throw new CliError('RUN_DIR', (error as Error).message, 'pass the --out directory of an interrupted catrain train run');
  }
}

/** Options that may accompany --resume; any other given explicitly must equal the run's setting. */
const RESUME_OPTIONS = new Set(['out', 'resume', 'quiet', 'threads', 'nproc', 'nnodes', 'nodeRank', 'masterAddr', 'masterPort', 'distTimeout', 'maxRestarts', 'distAddress']);
const CAT_FIELD_OF_KEY = new Map(CAT_OPTION_FIELDS.map((field) => [catOptionKey(field), field] as const));

/** The flags given on the command line that disagree with the saved run's config. */
function resumeConflicts(command: Command, options: TrainOptions, saved: TrainConfig): string[] {
  const conflicts: string[] = [];
  const flag = (key: string): string => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  for (const [key, value] of Object.entries(options)) {
    if (RESUME_OPTIONS.has(key) || command.getOptionValueSource(key) !== 'cli') continue;
    let savedValue: unknown;
    let given: unknown = value;
    if (key === 'dense') savedValue = saved.cat === null;
    else if (key === 'data') {
      given = formatDatasetSpec(parseDatasetSpec(String(value)));
      savedValue = saved.data;
    } else if (CAT_FIELD_OF_KEY.has(key)) {
      const field = CAT_FIELD_OF_KEY.get(key) as keyof NonNullable<TrainConfig['cat']>;
      if (optionRow(field).resumable) continue;
      savedValue = saved.cat === null ? (field === 'strength' ? 0 : undefined) : saved.cat[field];
      if (given === undefined) given = null;
    } else savedValue = (saved as unknown as Record<string, unknown>)[key];
    if (JSON.stringify(given) !== JSON.stringify(savedValue)) conflicts.push(`${flag(key)} ${JSON.stringify(given)} (the run has ${JSON.stringify(savedValue ?? null)})`);
  }
  return conflicts;
}

/** Rounds of the end-of-run check: saved and dense networks alternate, so a change in load hits both. */
const CHECK_ROUNDS = 3;

/** The saved network on the profile's runtime, at its batch, with the dense one beside it: the end-of-run latency check. */
async function measureOnRuntime(model: Module, inputShape: readonly number[], profile: LatencyProfile, buildDense?: () => Module): Promise<MeasuredLatency> {
  const runner = await latencyRunner(profile.runtime, profile.threads);
  const dense = buildDense?.();
  const effort = { ...NETWORK_EFFORT, minRuns: LATENCY_RUNS };
  const pruned: number[] = [];
  const reference: number[] = [];
  try {
    for (let round = 0; round < CHECK_ROUNDS; round++) {
      pruned.push(await runner.time(model, inputShape, profile.batch, effort));
      if (dense !== undefined) reference.push(await runner.time(dense, inputShape, profile.batch, effort));
    }
  } finally {
    runner.close();
    dense?.dispose();
  }
  return { ms: median(pruned), ...(dense === undefined ? {} : { denseMs: median(reference) }) };
}

export function trainCommand(): Command {
  const d = DEFAULT_CONFIG;
  const command = new Command('train')
    .description('train a model on a dataset with Complexity-Aware Training (or --dense) into a run directory (config.json, log.jsonl, checkpoint, model.safetensors + architecture.json, summary.json)')
    .option('--model <name>', `model: ${modelNames().join(', ')}`)
    .option('--data <spec>', `dataset: ${DATASET_SPEC_FORMS.join(', ')}`)
    .requiredOption('--out <dir>', 'run directory (new or empty; with --resume, an existing run)')
    .option('--resume', 'continue the run in --out from its checkpoint, with its saved settings')
    .option('--epochs <n>', 'epochs', positiveInt('--epochs'), d.epochs)
    .option('--batch-size <n>', 'training batch size', positiveInt('--batch-size'), d.batchSize)
    .option('--lr <rate>', 'peak learning rate', numberIn('--lr', 0, 100, { exclusiveMin: true }), d.lr)
    .option('--momentum <m>', 'SGD momentum', numberIn('--momentum', 0, 0.999), d.momentum)
    .option('--no-nesterov', 'plain momentum instead of Nesterov')
    .option('--weight-decay <wd>', 'L2 weight decay (not on BatchNorm or biases)', numberIn('--weight-decay', 0, 1), d.weightDecay)
    .option('--schedule <name>', 'learning-rate schedule: cosine, step, constant', oneOf('--schedule', ['cosine', 'step', 'constant'] as const), d.schedule)
    .option('--warmup-epochs <n>', 'linear warm-up epochs', nonNegativeInt('--warmup-epochs'), d.warmupEpochs)
    .option('--milestones <epochs>', 'step schedule: comma-separated epochs where the rate is multiplied by --gamma', milestoneList, d.milestones)
    .option('--gamma <g>', 'step schedule factor', numberIn('--gamma', 0, 1, { exclusiveMin: true }), d.gamma)
    .option('--seed <n>', 'seed of initialisation, data order and augmentation', nonNegativeInt('--seed'), d.seed)
    .option('--augment', 'pad-4 random crop + horizontal flip (default for CIFAR and image folders)')
    .option('--no-augment', 'no augmentation (default for MNIST and Fashion-MNIST, where flips change digits)')
    .option('--workers <n>', 'data worker threads (0: prepare batches on the main thread)', nonNegativeInt('--workers'), d.workers)
    .option('--device <device>', "'cpu', 'cuda' or 'cuda:N'", d.device)
    .option('--no-channels-last', 'train in the plain NCHW layout instead of channels-last')
    .option('--eval-batch-size <n>', 'evaluation batch size', positiveInt('--eval-batch-size'), d.evalBatchSize)
    .option('--train-subset <n>', 'train on the first n training samples only (a quick pilot; the test set stays whole)', positiveInt('--train-subset'));
  addDataOptions(command)
    .option('--sync-bn', "several workers: BatchNorm statistics over the whole global batch, not each worker's part (a collective per BatchNorm layer in forward and backward)", false)
    .option('--gate-draws <mode>', "several workers: 'shared' (one draw of the gates for the whole batch) or 'per-worker' (each worker draws its own)", oneOf('--gate-draws', ['shared', 'per-worker'] as const), d.gateDraws)
    .option('--threads <n>', 'libtorch intra-op threads (default: all cores)', positiveInt('--threads'))
    .option('--quiet', 'no progress output');
  return addDistributedOptions(addCatOptions(command)).action(async (options: TrainOptions, self: Command) => {
      const start = distributedStart(options);
      // The settings are read or checked once, before any worker starts.
      const saved = options.resume === true ? readSavedConfig(options.out) : null;
      if (saved !== null) {
        const conflicts = resumeConflicts(self, options, saved);
        if (conflicts.length > 0) {
          throw badArgument(`--resume continues the run with its saved settings, but these flags differ: ${conflicts.join('; ')}`, `drop them, or start a new run with another --out`);
        }
      }
      const settings = saved ?? toConfig(options, self);
      if (start.kind !== 'single' && settings.cat?.perExampleGates === true) {
        throw badArgument('--per-example-gates is not supported with several workers yet', 'draw the gates per minibatch (the default), or train in one process');
      }
      if (start.kind === 'launch') return launchWorkers(options, process.argv);
      if (options.threads !== undefined) E.setNumThreads(options.threads);
      const worker = start.kind === 'worker' ? await joinWorkers(start.env, options, settings.device) : null;
      const writes = worker === null || worker.writes;
      if (writes && options.resume === true) noteWorkerCount(options.out, worker?.env.worldSize ?? 1);
      let removeHandler = (): void => undefined;
      try {
        const runOptions = {
          progress: options.quiet !== true && writes,
          onTrainer: (trainer: Trainer) => {
            removeHandler = interruptOnSigint(() => {
              trainer.run.stopTraining = true;
            }, 'training');
          },
          ...(worker === null ? {} : { worker: worker.role({ syncBatchNorm: settings.syncBn, gateDraws: settings.gateDraws }) }),
          measureLatency: measureOnRuntime,
        };
        const result = saved !== null ? await resumeRun(options.out, runOptions) : await trainRun(settings, options.out, runOptions);
        worker?.finish();
        if (!result.completed) {
          throw new CliError('INTERRUPTED', `training stopped at epoch ${result.position.epoch + 1}, batch ${result.position.batchInEpoch}; checkpoint written`, `continue with: catrain train --resume --out ${options.out}`);
        }
        const test = result.test;
        if (options.quiet !== true && test !== undefined && writes) {
          const run = new RunDirectory(options.out);
          console.log(architectureTable(run.readJson('architecture'), run.readJson('summary')));
          console.log(`test top-1 ${test.top1.toFixed(2)}%, top-5 ${test.top5.toFixed(2)}%, loss ${test.loss.toFixed(4)} (${result.seconds.toFixed(0)} s); run in ${options.out}`);
        }
      } catch (error) {
        throw worker === null ? asCliError(error) : workerFailure(error, worker);
      } finally {
        removeHandler();
        worker?.close();
      }
    });
}
