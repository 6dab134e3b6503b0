// `catrain info --model NAME`: parameters and MACs for the model's default input.
import { Command } from 'commander';
import * as E from '../../engine/index.js';
import { countComplexity, modelNames } from '../../models/index.js';
import type { Architecture } from '../../cat/index.js';
import { readRunData, RunDirectory, type RunData, type RunSummary } from '../../train/index.js';
import { architectureTable } from '../../report/index.js';
import { badArgument, CliError } from '../errors.js';
import { addInputShapeOptions, buildForInput, modelInput, type InputShapeCliOptions } from '../input-shape.js';

/** Size of a finished run's network, from its architecture.json (and summary.json for the baseline). */
function runInfo(dir: string, json: boolean): void {
  const run = new RunDirectory(dir);
  let architecture: Architecture;
  try {
    architecture = run.readJson<Architecture>('architecture');
  } catch (error) {
    throw new CliError('RUN_DIR', (error as Error).message, 'info --run needs a finished run (it reads architecture.json)');
  }
  let summary: RunSummary | undefined;
  try {
    summary = run.readJson<RunSummary>('summary');
  } catch {
    summary = undefined;
  }
  let data: RunData | null;
  try {
    data = readRunData(run);
  } catch (error) {
    throw new CliError('RUN_DIR', (error as Error).message);
  }
  if (json) {
    console.log(JSON.stringify({ params: architecture.params, macs: architecture.macs, input: architecture.input_shape, model: architecture.model, baseline: summary?.baseline, groups: architecture.groups, blocks: architecture.blocks, ...(data === null ? {} : { data }) }));
    return;
  }
  console.log(`${architecture.model} (pruned run ${dir}): ${architecture.params.toLocaleString('en-US')} parameters, ${architecture.macs.toLocaleString('en-US')} MACs for input [${architecture.input_shape.join(', ')}]`);
  if (data !== null) console.log(`data ${data.name}: ${data.channels} channel${data.channels === 1 ? '' : 's'} x ${data.length} time steps, ${data.num_classes} classes${data.class_names === undefined ? '' : ` (${data.class_names.join(', ')})`}; normalised per channel with mean [${data.normalization.mean.map((m) => m.toPrecision(4)).join(', ')}], std [${data.normalization.std.map((v) => v.toPrecision(4)).join(', ')}]`);
  console.log(architectureTable(architecture, summary));
}

interface InfoOptions extends InputShapeCliOptions {
  model?: string;
  run?: string;
  classes?: string;
  layers?: boolean;
  json?: boolean;
}

export function infoCommand(): Command {
  const command = new Command('info')
    .description('print parameters and multiply-accumulates (conv and linear) of a model for its default input shape (a sequence model\'s set by --channels and --input-length), or of a run\'s pruned network')
    .option('--model <name>', `model: ${modelNames().join(', ')}`)
    .option('--run <dir>', 'a finished run directory: the pruned network\'s size')
    .option('--classes <n>', 'number of output classes (default: the model\'s dataset default)')
    .option('--layers', 'also list every conv and linear layer')
    .option('--json', 'print JSON: {"params": ..., "macs": ...}');
  return addInputShapeOptions(command).action((options: InfoOptions) => {
    if (options.run !== undefined) {
      if (options.channels !== undefined || options.inputLength !== undefined) throw badArgument('--channels and --input-length go with --model; a run\'s input shape is its data\'s');
      return runInfo(options.run, options.json === true);
    }
    if (options.model === undefined) throw badArgument('pass --model NAME or --run DIR');
    const numClasses = options.classes === undefined ? undefined : Number(options.classes);
    if (numClasses !== undefined && !(Number.isInteger(numClasses) && numClasses > 0)) throw badArgument(`--classes must be a positive integer, got '${options.classes}'`);
    const { inputShape, modelOptions } = modelInput(options.model, options);
    const model = buildForInput(options.model, { ...modelOptions, ...(numClasses === undefined ? {} : { numClasses }) });
    const complexity = E.noGrad(() => countComplexity(model, inputShape));
    model.dispose();
    if (options.json === true) {
      const result: Record<string, unknown> = { params: complexity.params, macs: complexity.macs, input: inputShape };
      if (options.layers === true) result.layers = complexity.layers;
      console.log(JSON.stringify(result));
      return;
    }
    console.log(`${options.model}: ${complexity.params.toLocaleString('en-US')} parameters, ${complexity.macs.toLocaleString('en-US')} MACs for input [${inputShape.join(', ')}]`);
    if (options.layers === true) {
      for (const layer of complexity.layers) console.log(`  ${layer.name.padEnd(28)} ${layer.kind.padEnd(8)} ${String(layer.params).padStart(10)} params ${String(layer.macs).padStart(14)} MACs`);
    }
  });
}
