// `catrain info --model NAME`: parameters and MACs for the model's default input.
import { Command } from 'commander';
import * as E from '../../engine/index.js';
import { countComplexity, createModel, defaultInputShape, isModelName, modelNames } from '../../models/index.js';
import { badArgument } from '../errors.js';

export function infoCommand(): Command {
  return new Command('info')
    .description('print parameters and multiply-accumulates (conv and linear) of a model for its default input shape')
    .requiredOption('--model <name>', `model: ${modelNames().join(', ')}`)
    .option('--classes <n>', 'number of output classes (default: the model\'s dataset default)')
    .option('--layers', 'also list every conv and linear layer')
    .option('--json', 'print JSON: {"params": ..., "macs": ...}')
    .action((options: { model: string; classes?: string; layers?: boolean; json?: boolean }) => {
      if (!isModelName(options.model)) throw badArgument(`unknown model '${options.model}'`, `choose one of: ${modelNames().join(', ')}`);
      const numClasses = options.classes === undefined ? undefined : Number(options.classes);
      if (numClasses !== undefined && !(Number.isInteger(numClasses) && numClasses > 0)) throw badArgument(`--classes must be a positive integer, got '${options.classes}'`);
      const model = createModel(options.model, numClasses === undefined ? {} : { numClasses });
      const inputShape = defaultInputShape(options.model);
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
