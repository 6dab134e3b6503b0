// Exports the pruned network of a finished run directory: loads it as eval and info do (dense model,
// pruning history replayed, final weights), derives the input contract from the run's dataset, builds
// the IR once and hands it to the writer of the asked format.
import { existsSync, readFileSync } from 'node:fs';
import { foldBatchNorms } from './fold.js';
import { contractFor, contractMetadata, inputDescription, type ExportContract, type NormalizationPlace } from './contract.js';
import { writeFileWhole, writeFolderWhole } from './files.js';
import { irFromModule } from './from-trace.js';
import type { IrGraph } from './ir.js';
import { writeOnnx } from './onnx.js';
import { encodeStateDict } from './safetensors.js';
import { TFJS_WEIGHTS_FILE, writeTfjs } from './tfjs.js';
import type { Module } from '../nn/index.js';
import { loadRunNetwork, readRunData, RunDirectory, RunDirectoryError } from '../train/index.js';

export const EXPORT_FORMATS = ['onnx', 'tfjs', 'safetensors'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const isExportFormat = (value: string): value is ExportFormat => (EXPORT_FORMATS as readonly string[]).includes(value);

const PRODUCER_VERSION = '0.1.0';

/** What `--out` holds for each format. */
export const EXPORT_LAYOUT: Readonly<Record<ExportFormat, string>> = {
  onnx: 'one .onnx file',
  tfjs: `a folder with model.json and ${TFJS_WEIGHTS_FILE}`,
  safetensors: 'a folder with model.safetensors and architecture.json',
};

/** Where each format applies the normalisation: safetensors holds the weights alone. */
export const EXPORT_NORMALIZATION: Readonly<Record<ExportFormat, NormalizationPlace>> = { onnx: 'in-graph', tfjs: 'in-graph', safetensors: 'by-caller' };

export interface ExportOptions {
  /** Replace an existing output (default false: refuse). */
  overwrite?: boolean;
  /** architecture.json's text, copied beside a safetensors export. */
  architectureJson?: string;
}

export interface ExportResult {
  format: ExportFormat;
  /** The files written. */
  files: string[];
  contract: ExportContract;
}

/** The inference graph the ONNX and TF.js writers read (normalisation first, BatchNorms folded). */
export function exportGraph(model: Module, contract: ExportContract): IrGraph {
  return foldBatchNorms(irFromModule(model, contract.inputShape, { mean: contract.mean, std: contract.std }));
}

/** Writes `model` in `format` to `out` (see EXPORT_LAYOUT), with the contract in the format's metadata. */
export function exportNetwork(model: Module, contract: ExportContract, format: ExportFormat, out: string, options: ExportOptions = {}): ExportResult {
  const overwrite = options.overwrite === true;
  switch (format) {
    case 'onnx': {
      const bytes = writeOnnx(exportGraph(model, contract), {
        metadata: contractMetadata(contract, EXPORT_NORMALIZATION.onnx),
        graphName: contract.model,
        producerVersion: PRODUCER_VERSION,
        docString: `${contract.model} exported by catrain: input ${inputDescription(contract)}, output logits`,
      });
      writeFileWhole(out, bytes, overwrite);
      return { format, files: [out], contract };
    }
    case 'tfjs': {
      const { modelJson, weightData } = writeTfjs(exportGraph(model, contract), { metadata: contractMetadata(contract, EXPORT_NORMALIZATION.tfjs), modelName: contract.model, generatedBy: `catrain ${PRODUCER_VERSION}` });
      writeFolderWhole(out, { 'model.json': `${JSON.stringify(modelJson)}\n`, [TFJS_WEIGHTS_FILE]: weightData }, overwrite);
      return { format, files: [`${out}/model.json`, `${out}/${TFJS_WEIGHTS_FILE}`], contract };
    }
    case 'safetensors': {
      const files: Record<string, Uint8Array | string> = { 'model.safetensors': encodeStateDict(model, contractMetadata(contract, EXPORT_NORMALIZATION.safetensors)) };
      if (options.architectureJson !== undefined) files['architecture.json'] = options.architectureJson;
      writeFolderWhole(out, files, overwrite);
      return { format, files: Object.keys(files).map((name) => `${out}/${name}`), contract };
    }
  }
}

/** Exports the final (pruned) network of the finished run in `dir`. */
export function exportRun(dir: string, format: ExportFormat, out: string, options: Pick<ExportOptions, 'overwrite'> = {}): ExportResult {
  const run = new RunDirectory(dir);
  if (!existsSync(run.file('config'))) throw new RunDirectoryError(`${dir} is not a run directory (no config.json)`);
  if (!existsSync(run.file('model')) || !existsSync(run.file('architecture'))) {
    throw new RunDirectoryError(`${dir} has no finished model (model.safetensors + architecture.json): export reads the final pruned network, which a run writes when training ends`);
  }
  const loaded = loadRunNetwork(dir, { device: 'cpu' });
  try {
    const architecture = loaded.architecture;
    if (architecture === undefined) throw new RunDirectoryError(`${dir}: architecture.json could not be read`);
    const data = readRunData(run);
    const sequence = data === null ? {} : { sequence: { normalization: data.normalization, ...(data.class_names === undefined ? {} : { classNames: data.class_names }) } };
    const contract = contractFor({ model: loaded.config.model, data: loaded.config.data, inputShape: architecture.input_shape, numClasses: architecture.num_classes, ...sequence });
    return exportNetwork(loaded.model, contract, format, out, { ...options, architectureJson: readFileSync(run.file('architecture'), 'utf8') });
  } finally {
    loaded.model.dispose();
  }
}
