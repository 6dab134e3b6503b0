// `catrain eval --run DIR --data SPEC`: evaluates a run's final model (or its checkpoint) on a test set.
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import * as E from '../../engine/index.js';
import { DataLoader, loadDataset } from '../../data/index.js';
import { loadCheckpoint } from '../../train/checkpoint.js';
import type { TrainConfig } from '../../train/config.js';
import { RunDirectory } from '../../train/run-dir.js';
import { makeModel } from '../../train/setup.js';
import { evaluateModel } from '../../train/trainer.js';
import { CliError } from '../errors.js';
import { positiveInt } from '../options.js';

interface EvalOptions {
  run: string;
  data?: string;
  batchSize: number;
  json?: boolean;
  device?: string;
}

export function evalCommand(): Command {
  return new Command('eval')
    .description("evaluate a run's model on a dataset's test split (loss, top-1, top-5)")
    .requiredOption('--run <dir>', 'run directory written by catrain train')
    .option('--data <spec>', "dataset spec (default: the run's)")
    .option('--batch-size <n>', 'batch size', positiveInt('--batch-size'), 500)
    .option('--device <device>', "'cpu' or 'cuda' (default: the run's)")
    .option('--json', 'print JSON')
    .action(async (options: EvalOptions) => {
      const run = new RunDirectory(options.run);
      let config: TrainConfig;
      try {
        config = run.readJson<TrainConfig>('config');
      } catch (error) {
        throw new CliError('RUN_DIR', (error as Error).message, 'pass the --out directory of a catrain train run');
      }
      config = { ...config, data: options.data ?? config.data, device: options.device ?? config.device };
      const weights = existsSync(run.file('model')) ? run.file('model') : run.file('checkpoint');
      if (!existsSync(weights)) throw new CliError('RUN_DIR', `${options.run} has neither a final model nor a checkpoint`);
      const dataset = loadDataset(config.data, 'test', { imageSize: config.imageSize });
      const model = makeModel(config, dataset);
      const loader = new DataLoader(dataset, { batchSize: options.batchSize, workers: 1, layout: config.channelsLast ? 'nhwc' : 'nchw' });
      try {
        if (weights === run.file('model')) {
          model.load(weights);
        } else {
          const checkpoint = loadCheckpoint<TrainConfig>(weights);
          try {
            model.loadStateDict(checkpoint.model);
          } finally {
            E.disposeAll([checkpoint.model, checkpoint.optimizer, checkpoint.rngState]);
          }
        }
        const result = await evaluateModel(model, loader, E.checkDevice(config.device));
        if (options.json === true) console.log(JSON.stringify({ ...result, model: config.model, data: config.data, weights }));
        else console.log(`${config.model} on ${config.data}: top-1 ${result.top1.toFixed(2)}%, top-5 ${result.top5.toFixed(2)}%, loss ${result.loss.toFixed(4)} (${result.count} images)`);
      } finally {
        await loader.close();
        model.dispose();
      }
    });
}
