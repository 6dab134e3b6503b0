// `catrain bench train`: times full training steps (forward, loss, backward, SGD update) on synthetic
// data of the model's input shape.
import { Command } from 'commander';
import * as E from '../../engine/index.js';
import { modelNames } from '../../models/index.js';
import { Sgd } from '../../train/index.js';
import { addInputShapeOptions, buildForInput, modelInput, type InputShapeCliOptions } from '../input-shape.js';
import { positiveInt } from '../options.js';

interface BenchTrainOptions extends InputShapeCliOptions {
  model: string;
  batch: number;
  steps: number;
  warmup: number;
  device: string;
  channelsLast: boolean;
  json?: boolean;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** `img_s`: examples (images or sequences) per second; the key keeps its name for existing readers. */
export function benchTrain(options: BenchTrainOptions): { img_s: number; ms_step: number } {
  const { inputShape, modelOptions } = modelInput(options.model, options);
  const device = E.checkDevice(options.device);
  E.manualSeed(0);
  const model = buildForInput(options.model, modelOptions).to(device);
  // An [N, C, L] batch has no channels-last order; only image models take the layout.
  const channelsLast = options.channelsLast && inputShape.length === 3;
  if (channelsLast) model.toMemoryFormat('channels_last');
  const optimizer = new Sgd([{ params: model.parameters(), decay: true }], { momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
  const x = E.keep(E.randn([options.batch, ...inputShape], { device }).contiguous(channelsLast ? 'channels_last' : 'contiguous'));
  // Labels among the classes the model outputs (the 1-d models default to 2, the image models to 10 or more).
  const classes = E.noGrad(() => E.scope(() => model.forward(x).size(1)));
  const y = E.keep(E.randint(0, Math.min(10, classes), [options.batch], { device }));
  model.train();
  const step = (): void =>
    E.scope(() => {
      E.crossEntropy(model.forward(x), y).backward();
      optimizer.step(0.01);
    });
  try {
    for (let i = 0; i < options.warmup; i++) step();
    E.synchronize();
    const times: number[] = [];
    for (let i = 0; i < options.steps; i++) {
      const start = performance.now();
      step();
      E.synchronize();
      times.push(performance.now() - start);
    }
    const ms = median(times);
    return { img_s: Number(((options.batch * 1000) / ms).toFixed(1)), ms_step: Number(ms.toFixed(2)) };
  } finally {
    E.disposeAll([x, y]);
    optimizer.dispose();
    model.dispose();
  }
}

export function benchCommand(): Command {
  const bench = new Command('bench').description('benchmarks (not tests)');
  const train = bench
    .command('train')
    .description('time full training steps (forward, loss, backward, optimiser) on synthetic data of the model\'s input shape; prints examples/s and ms/step')
    .requiredOption('--model <name>', `model: ${modelNames().join(', ')}`)
    .option('--batch <n>', 'batch size', positiveInt('--batch'), 128)
    .option('--steps <n>', 'timed steps (the median is reported)', positiveInt('--steps'), 20)
    .option('--warmup <n>', 'untimed steps first', positiveInt('--warmup'), 3)
    .option('--device <device>', "'cpu' or 'cuda'", 'cpu')
    .option('--no-channels-last', 'use the plain NCHW layout instead of channels-last')
    .option('--json', 'print one JSON object');
  addInputShapeOptions(train).action((options: BenchTrainOptions) => {
    const result = { ...benchTrain(options), model: options.model, batch: options.batch, device: options.device, threads: E.getNumThreads() };
    const unit = modelInput(options.model, options).inputShape.length === 2 ? 'sequences/s' : 'img/s';
    if (options.json === true) console.log(JSON.stringify(result));
    else console.log(`${options.model}, batch ${options.batch}: ${result.img_s} ${unit}, ${result.ms_step} ms/step (${result.threads} threads, ${options.device})`);
  });
  return bench;
}
