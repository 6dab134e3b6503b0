// `catrain eval --run DIR --data SPEC`: evaluates a run's final model (or its checkpoint) on a test set.
import { Command } from 'commander';
import * as E from '../../engine/index.js';
import { DataLoader, isSequenceDataset, isSeriesSpec, loadDataset, parseDatasetSpec, type Dataset } from '../../data/index.js';
import { checkSameData, evaluateModel, layoutFor, loadConfigDatasets, type LoadedRun, loadRunNetwork, readRunData, RunDirectory, RunDirectoryError, type TrainConfig, withNormalization } from '../../train/index.js';
import { asCliError, CliError } from '../errors.js';
import { positiveInt } from '../options.js';

interface EvalOptions {
  run: string;
  data?: string;
  batchSize: number;
  json?: boolean;
  device?: string;
}

/**
 * The test split of `data`, loaded with the run's settings; a sequence run's split is normalised with
 * the statistics saved in its data.json, as its training inputs were.
 */
function testSplit(run: RunDirectory, config: TrainConfig, data: string): Dataset {
  // An image set loads its test split alone; a series loads both (its test split is cut and normalised with the training split).
  const test = isSeriesSpec(parseDatasetSpec(data)) ? loadConfigDatasets({ ...config, data }).test : loadDataset(data, 'test', { imageSize: config.imageSize });
  try {
    const saved = readRunData(run);
    if (saved === null) return test;
    checkSameData(saved, test, run.dir);
    return isSequenceDataset(test) ? withNormalization(test, saved.normalization) : test;
  } catch (error) {
    throw asCliError(error);
  }
}

export function evalCommand(): Command {
  return new Command('eval')
    .description("evaluate a run's network (pruned as saved) on a dataset's test split (loss, top-1, top-5)")
    .requiredOption('--run <dir>', 'run directory written by catrain train')
    .option('--data <spec>', "dataset spec (default: the run's)")
    .option('--batch-size <n>', 'batch size', positiveInt('--batch-size'), 500)
    .option('--device <device>', "'cpu' or 'cuda' (default: the run's)")
    .option('--json', 'print JSON')
    .action(async (options: EvalOptions) => {
      const run = new RunDirectory(options.run);
      let config: TrainConfig;
      try {
        config = run.readConfig();
      } catch (error) {
        throw new CliError('RUN_DIR', (error as Error).message, 'pass the --out directory of a catrain train run');
      }
      const data = options.data ?? config.data;
      const dataset = testSplit(run, config, data);
      let loaded: LoadedRun;
      try {
        loaded = loadRunNetwork(options.run, { ...(options.device === undefined ? {} : { device: options.device }), data: dataset });
      } catch (error) {
        throw asCliError(error);
      }
      const { model, weights } = loaded;
      const loader = new DataLoader(dataset, { batchSize: options.batchSize, workers: 1, layout: layoutFor(config, dataset) });
      try {
        const result = await evaluateModel(model, loader, E.checkDevice(options.device ?? config.device));
        if (options.json === true) console.log(JSON.stringify({ test_acc: result.top1, test_top5: result.top5, test_loss: result.loss, count: result.count, model: config.model, data, weights }));
        else console.log(`${config.model} on ${data}: top-1 ${result.top1.toFixed(2)}%, top-5 ${result.top5.toFixed(2)}%, loss ${result.loss.toFixed(4)} (${result.count} ${isSequenceDataset(dataset) ? 'sequences' : 'images'})`);
      } finally {
        await loader.close();
        model.dispose();
      }
    });
}
