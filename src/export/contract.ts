// The deployable contract every export carries: float32 pixels in [0, 1] NCHW for images, or raw
// signal values NCL for sequences; one input named 'input' and one output named 'logits'; the dataset
// normalisation lives inside the graph. This file derives that contract for a run and renders it as
// the flat string metadata the formats store.
import { CIFAR10_CLASSES, FASHION_MNIST_CLASSES, normalizationFor, parseDatasetSpec, type DatasetKind } from '../data/index.js';

export const INPUT_NAME = 'input';
export const OUTPUT_NAME = 'logits';

export interface ExportContract {
  /** Zoo or registered model name the network was built from. */
  readonly model: string;
  /** One example without the batch dim: [C, H, W], or [C, L] for a sequence. */
  readonly inputShape: readonly number[];
  readonly dataset: DatasetKind;
  /** Per-channel constants applied inside the exported graph: (x - mean) / std. */
  readonly mean: readonly number[];
  readonly std: readonly number[];
  /** One name per output logit. */
  readonly classNames: readonly string[];
}

/** Names for the classes of a dataset kind; indices where the names live only in the data files. */
export function classNamesFor(dataset: DatasetKind, numClasses: number): string[] {
  const known: Partial<Record<DatasetKind, readonly string[]>> = {
    mnist: Array.from({ length: 10 }, (_, d) => String(d)),
    'fashion-mnist': FASHION_MNIST_CLASSES,
    cifar10: CIFAR10_CLASSES,
  };
  const names = known[dataset];
  return names !== undefined && names.length === numClasses ? [...names] : Array.from({ length: numClasses }, (_, i) => String(i));
}

export interface ContractSource {
  model: string;
  /** The run's dataset spec (config.json's `data`). */
  data: string;
  inputShape: readonly number[];
  numClasses: number;
  /**
   * A sequence run's data record (data.json): its training statistics and class names, which no
   * constant of the dataset kind gives.
   */
  sequence?: { normalization: { mean: readonly number[]; std: readonly number[] }; classNames?: readonly string[] };
}

export function contractFor(source: ContractSource): ExportContract {
  const dataset = parseDatasetSpec(source.data).kind;
  const channels = source.inputShape[0] ?? 0;
  const { mean, std } = source.sequence?.normalization ?? normalizationFor(dataset, channels);
  const names = source.sequence?.classNames;
  const classNames = names !== undefined && names.length === source.numClasses ? [...names] : classNamesFor(dataset, source.numClasses);
  return { model: source.model, inputShape: [...source.inputShape], dataset, mean: [...mean], std: [...std], classNames };
}

/** The input a deployer feeds, in words: e.g. 'float32 [N, 1, 128] NCL, raw signal values'. */
export function inputDescription(contract: Pick<ExportContract, 'inputShape'>): string {
  const shape = `float32 [N, ${contract.inputShape.join(', ')}]`;
  return contract.inputShape.length === 2 ? `${shape} NCL, raw signal values` : `${shape} NCHW in [0, 1]`;
}

/** Where a format applies the contract's mean and std: in its graph, or left to the caller (weights alone). */
export type NormalizationPlace = 'in-graph' | 'by-caller';

/** The contract as string pairs (ONNX metadata_props, safetensors __metadata__, TF.js userDefinedMetadata). */
export function contractMetadata(contract: ExportContract, normalization: NormalizationPlace = 'in-graph'): Record<string, string> {
  const signal = contract.inputShape.length === 2;
  return {
    'catrain.model': contract.model,
    'catrain.dataset': contract.dataset,
    input_name: INPUT_NAME,
    input_shape: JSON.stringify(['N', ...contract.inputShape]),
    input_layout: signal ? 'NCL' : 'NCHW',
    input_dtype: 'float32',
    input_range: signal ? 'raw signal values, as in the training files' : '[0, 1] (pixel / 255)',
    normalization: JSON.stringify({ mean: contract.mean, std: contract.std, applied: normalization === 'in-graph' ? 'inside the graph' : 'by the caller, before the network' }),
    output_name: OUTPUT_NAME,
    class_names: JSON.stringify(contract.classNames),
  };
}
