// `catrain export --run DIR --format onnx|tfjs|safetensors --out PATH`: writes a finished run's pruned
// network for deployment (docs/export.md). Input contract: float32 pixels in [0, 1], NCHW, or raw
// signal values, NCL.
import { Command } from 'commander';
import { EXPORT_FORMATS, inputDescription, EXPORT_LAYOUT, EXPORT_NORMALIZATION, ExportOutputError, exportRun, isExportFormat, UnsupportedExportError } from '../../export/index.js';
import { RunDirectoryError } from '../../train/index.js';
import { asCliError, badArgument, CliError } from '../errors.js';

interface ExportOptions {
  run: string;
  format: string;
  out: string;
  force?: boolean;
  json?: boolean;
}

export function exportCommand(): Command {
  return new Command('export')
    .description("export a finished run's pruned network (ONNX, TF.js layers model or safetensors); inputs are float32 NCHW pixels in [0, 1] for images, float32 NCL raw signal values for sequences; ONNX and TF.js apply the normalisation inside the model, a safetensors export holds the weights alone and records the mean and std in its metadata for the caller to apply")
    .requiredOption('--run <dir>', 'run directory written by catrain train (a finished run)')
    .requiredOption('--format <format>', `one of ${EXPORT_FORMATS.join(', ')}`)
    .requiredOption('--out <path>', `output: ${EXPORT_FORMATS.map((f) => `${f}: ${EXPORT_LAYOUT[f]}`).join('; ')}`)
    .option('--force', 'replace an existing output')
    .option('--json', 'print JSON')
    .action((options: ExportOptions) => {
      const format = options.format;
      if (!isExportFormat(format)) throw badArgument(`unknown export format '${format}'`, `use --format ${EXPORT_FORMATS.join(', --format ')}`);
      try {
        const result = exportRun(options.run, format, options.out, { overwrite: options.force === true });
        if (options.json === true) console.log(JSON.stringify({ format, files: result.files, contract: result.contract }));
        else console.log(`exported ${result.contract.model} from ${options.run} as ${format}: ${result.files.join(', ')} (input ${inputDescription(result.contract)}${EXPORT_NORMALIZATION[format] === 'by-caller' ? '; normalise it with the mean and std in the metadata first' : ''})`);
      } catch (error) {
        if (error instanceof ExportOutputError) {
          const exists = error.message.endsWith('already exists');
          throw badArgument(`--out: ${error.message}`, exists ? 'choose another --out or pass --force to replace it' : 'choose an --out in a folder you can write to');
        }
        if (error instanceof UnsupportedExportError) throw new CliError('BAD_DATA', error.message, 'the other formats may support this network; see docs/export.md for the supported layers');
        throw asCliError(error, { run: 'pass the --out directory of a catrain train run that finished' });
      }
    });
}
