// Writes the export IR as a TF.js layers model (model.json in Keras' functional format + one weight
// file). TF.js layers compute channels-last, so the graph starts with a Permute from the contract's
// channels-first input (NCHW or NCL) to NHWC or NLC and keeps activations that way inside; weights are
// transposed to Keras' layouts, PyTorch's explicit padding becomes zero padding + 'valid', and a
// flatten permutes back to channels-first first so the following Dense layer sees PyTorch's order.
// 1-d layers use Keras' 1-d classes; tfjs-layers has no ZeroPadding1D, so 1-d padding goes through
// a [L, 1, C] view and ZeroPadding2D.
import { INPUT_NAME } from './contract.js';
import { UnsupportedExportError, type ConstTensor, type IrGraph, type IrNode, type Spatial } from './ir.js';
import { diagonal, toChannelsFirst, toChannelsLast, transpose } from './keras-layout.js';

export { transpose } from './keras-layout.js';

/** A Keras layer as model.json stores it. */
interface KerasLayer {
  class_name: string;
  name: string;
  config: Record<string, unknown>;
  inbound_nodes: [string, number, number, Record<string, never>][][];
}

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
}

export interface TfjsModelJson {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
  modelTopology: {
    class_name: 'Model';
    keras_version: string;
    backend: 'tensorflow';
    config: { name: string; layers: KerasLayer[]; input_layers: [string, number, number][]; output_layers: [string, number, number][] };
  };
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
  userDefinedMetadata: Record<string, unknown>;
}

export interface TfjsModel {
  modelJson: TfjsModelJson;
  /** The bytes of the one weight file model.json names (little-endian float32, in manifest order). */
  weightData: Uint8Array;
}

export const TFJS_WEIGHTS_FILE = 'weights.bin';

type Layout = 'channels_last' | 'flat';

class KerasBuilder {
  readonly layers: KerasLayer[] = [];
  readonly weights: WeightSpec[] = [];
  readonly chunks: Float32Array[] = [];
  private readonly names = new Set<string>();
  /** IR value -> the Keras layer whose output holds it, and that output's layout. */
  private readonly tensors = new Map<number, { layer: string; layout: Layout }>();
  private readonly producers = new Map<number, IrNode>();

  constructor(private readonly graph: IrGraph) {
    for (const node of graph.nodes) this.producers.set(node.output, node);
  }

  private uniqueName(base: string): string {
    const clean = base.replace(/[^A-Za-z0-9_]/g, '_').replace(/^([^A-Za-z])/, 'l_$1') || 'layer';
    let name = clean;
    for (let n = 1; this.names.has(name); n++) name = `${clean}_${n}`;
    this.names.add(name);
    return name;
  }

  /** Adds a layer reading `inputs` (layer names) and returns its name. */
  layer(className: string, base: string, config: Record<string, unknown>, inputs: string[], weights: [string, { data: Float32Array; shape: readonly number[] }][] = []): string {
    const name = this.uniqueName(base);
    this.layers.push({ class_name: className, name, config: { name, trainable: false, dtype: 'float32', ...config }, inbound_nodes: inputs.length === 0 ? [] : [inputs.map((i) => [i, 0, 0, {}])] });
    for (const [weightName, tensor] of weights) {
      this.weights.push({ name: `${name}/${weightName}`, shape: [...tensor.shape], dtype: 'float32' });
      this.chunks.push(tensor.data);
    }
    return name;
  }

  tensor(value: number): { layer: string; layout: Layout } {
    const found = this.tensors.get(value);
    if (found === undefined) throw new Error(`TF.js export: value ${value} is read before it is computed`);
    return found;
  }

  set(value: number, layer: string, layout: Layout): void {
    this.tensors.set(value, { layer, layout });
  }

  /** Zero padding when the IR pads, so the next layer can use 'valid' as PyTorch's explicit padding does. */
  private padded(input: string, value: number, padding: Spatial, base: string, paddingEnd: Spatial = padding): string {
    if (padding.every((p) => p === 0) && paddingEnd.every((p) => p === 0)) return input;
    const [c, length] = this.graph.values[value]?.shape ?? [];
    if (padding.length === 2) {
      return this.layer('ZeroPadding2D', `${base}_pad`, { padding: padding.map((p, i) => [p, paddingEnd[i]]), data_format: 'channels_last' }, [input]);
    }
    const [before, after] = [padding[0] as number, paddingEnd[0] as number];
    const tall = this.layer('Reshape', `${base}_pad_2d`, { target_shape: [length, 1, c] }, [input]);
    const pad = this.layer('ZeroPadding2D', `${base}_pad`, { padding: [[before, after], [0, 0]], data_format: 'channels_last' }, [tall]);
    return this.layer('Reshape', `${base}_pad_1d`, { target_shape: [(length as number) + before + after, c] }, [pad]);
  }

  /** 1 for a [C, L] value, 2 for [C, H, W]. */
  private rankOf(value: number): number {
    return (this.graph.values[value]?.shape.length ?? 1) - 1;
  }

  private nonNegative(value: number): boolean {
    const producer = this.producers.get(value);
    return producer?.op === 'relu' || (producer?.op === 'maxpool' && this.nonNegative(producer.inputs[0] as number));
  }

  private spatial(node: IrNode, value: number): string {
    const t = this.tensor(value);
    if (t.layout !== 'channels_last') throw new UnsupportedExportError(`TF.js export: '${node.source}' (${node.op}) needs an image- or signal-shaped input`);
    return t.layer;
  }

  emit(node: IrNode): void {
    const base = node.source === '' ? node.op : node.source;
    const unsupported = (why: string): never => {
      throw new UnsupportedExportError(`TF.js export cannot express ${node.op} in '${node.source}': ${why}`);
    };
    switch (node.op) {
      case 'normalize': {
        // A per-channel x * (1/std) - mean/std, exactly: a 1x1 depthwise conv for images, and for
        // signals (tfjs has no depthwise 1-d conv) a width-1 Conv1D whose kernel is diagonal.
        const c = node.mean.length;
        const gain = Float32Array.from(node.std, (s) => 1 / s);
        const bias = { data: Float32Array.from(node.mean, (m, i) => -m / (node.std[i] as number)), shape: [c] };
        const input = this.spatial(node, node.inputs[0] as number);
        const common = { strides: [1], padding: 'valid', data_format: 'channels_last', use_bias: true, activation: 'linear' };
        const name = this.rankOf(node.inputs[0] as number) === 2
          ? this.layer('DepthwiseConv2D', 'normalize', { ...common, kernel_size: [1, 1], strides: [1, 1], depth_multiplier: 1 }, [input], [['depthwise_kernel', { data: gain, shape: [1, 1, c, 1] }], ['bias', bias]])
          : this.layer('Conv1D', 'normalize', { ...common, kernel_size: [1], filters: c, dilation_rate: [1] }, [input], [['kernel', { data: diagonal(gain), shape: [1, c, c] }], ['bias', bias]]);
        return this.set(node.output, name, 'channels_last');
      }
      case 'conv': {
        const [out, perGroup, ...kernel] = node.weight.shape as [number, number, ...number[]];
        const rank = kernel.length;
        const input = this.padded(this.spatial(node, node.inputs[0] as number), node.inputs[0] as number, node.padding, base, node.paddingEnd);
        const bias: [string, ConstTensor][] = node.bias === null ? [] : [['bias', node.bias]];
        const common = { kernel_size: kernel, strides: [...node.stride], padding: 'valid', data_format: 'channels_last', dilation_rate: [...node.dilation], use_bias: node.bias !== null, activation: 'linear' };
        // PyTorch [out, in, ...kernel] -> Keras [...kernel, in, out].
        const spatialAxes = Array.from({ length: rank }, (_, i) => i + 2);
        let name: string;
        if (node.groups === 1) {
          name = this.layer(`Conv${rank}D`, base, { ...common, filters: out }, [input], [['kernel', transpose(node.weight.data, node.weight.shape, [...spatialAxes, 1, 0])], ...bias]);
        } else if (rank === 2 && perGroup === 1 && node.groups === out) {
          name = this.layer('DepthwiseConv2D', base, { ...common, depth_multiplier: 1 }, [input], [['depthwise_kernel', transpose(node.weight.data, node.weight.shape, [2, 3, 0, 1])], ...bias]);
        } else {
          return unsupported(`grouped convolution (groups = ${node.groups}) other than a 2-d depthwise one`);
        }
        return this.set(node.output, name, 'channels_last');
      }
      case 'batchnorm': {
        const input = this.tensor(node.inputs[0] as number);
        const name = this.layer('BatchNormalization', base, { axis: -1, epsilon: node.eps, center: true, scale: true, momentum: 0.99 }, [input.layer], [
          ['gamma', node.scale], ['beta', node.shift], ['moving_mean', node.mean], ['moving_variance', node.variance],
        ]);
        return this.set(node.output, name, input.layout);
      }
      case 'linear': {
        const input = this.tensor(node.inputs[0] as number);
        if (input.layout !== 'flat') return unsupported('Dense needs a flat input');
        const bias: [string, ConstTensor][] = node.bias === null ? [] : [['bias', node.bias]];
        const name = this.layer('Dense', base, { units: node.weight.shape[0], use_bias: node.bias !== null, activation: 'linear' }, [input.layer], [['kernel', transpose(node.weight.data, node.weight.shape, [1, 0])], ...bias]);
        return this.set(node.output, name, 'flat');
      }
      case 'relu': {
        const input = this.tensor(node.inputs[0] as number);
        return this.set(node.output, this.layer('Activation', `${base}_relu`, { activation: 'relu' }, [input.layer]), input.layout);
      }
      case 'add': {
        const [a, b] = node.inputs.map((v) => this.tensor(v)) as [{ layer: string; layout: Layout }, { layer: string; layout: Layout }];
        return this.set(node.output, this.layer('Add', `${base}_add`, {}, [a.layer, b.layer]), a.layout);
      }
      case 'maxpool': {
        if (node.ceilMode) return unsupported('ceil_mode');
        if (node.dilation.some((d) => d !== 1)) return unsupported('dilation');
        const source = node.inputs[0] as number;
        // Zero padding equals PyTorch's -inf padding only where the input cannot be negative.
        if (node.padding.some((p) => p > 0) && !this.nonNegative(source)) return unsupported('padding on an input that may be negative');
        return this.pool('MaxPooling', `${base}_maxpool`, node, source);
      }
      case 'avgpool': {
        if (node.ceilMode) return unsupported('ceil_mode');
        if (node.padding.some((p) => p > 0) && !node.countIncludePad) return unsupported('padding with count_include_pad = false');
        return this.pool('AveragePooling', `${base}_avgpool`, node, node.inputs[0] as number);
      }
      case 'globalavgpool': {
        const rank = this.rankOf(node.inputs[0] as number);
        return this.set(node.output, this.layer(`GlobalAveragePooling${rank}D`, `${base}_pool`, { data_format: 'channels_last' }, [this.spatial(node, node.inputs[0] as number)]), 'flat');
      }
      case 'flatten': {
        const [c, ...positions] = this.graph.values[node.inputs[0] as number]?.shape ?? [];
        let input = this.spatial(node, node.inputs[0] as number);
        if (c !== 1 && positions.reduce((a, b) => a * b, 1) !== 1) input = this.layer('Permute', `${base}_${positions.length === 2 ? 'nchw' : 'ncl'}`, { dims: toChannelsFirst(positions.length) }, [input]);
        return this.set(node.output, this.layer('Flatten', `${base}_flatten`, { data_format: 'channels_last' }, [input]), 'flat');
      }
    }
  }

  private pool(kind: 'MaxPooling' | 'AveragePooling', name: string, node: IrNode & { kernel: Spatial; stride: Spatial; padding: Spatial }, source: number): void {
    const input = this.padded(this.spatial(node, source), source, node.padding, node.source === '' ? node.op : node.source);
    const config = { pool_size: [...node.kernel], strides: [...node.stride], padding: 'valid', data_format: 'channels_last' };
    this.set(node.output, this.layer(`${kind}${node.kernel.length}D`, name, config, [input]), 'channels_last');
  }
}

export interface TfjsExportOptions {
  metadata: Readonly<Record<string, unknown>>;
  modelName: string;
  generatedBy: string;
}

export function writeTfjs(graph: IrGraph, options: TfjsExportOptions): TfjsModel {
  const builder = new KerasBuilder(graph);
  const shape = graph.values[graph.input]?.shape ?? [];
  if (shape.length !== 2 && shape.length !== 3) throw new UnsupportedExportError(`TF.js export needs an image input [C, H, W] or a signal input [C, L], got [${shape.join(', ')}]`);
  const rank = shape.length - 1;
  const input = builder.layer('InputLayer', INPUT_NAME, { batch_input_shape: [null, ...shape], sparse: false }, []);
  builder.set(graph.input, builder.layer('Permute', rank === 2 ? 'input_nhwc' : 'input_nlc', { dims: toChannelsLast(rank) }, [input]), 'channels_last');
  for (const node of graph.nodes) builder.emit(node);
  let output = builder.tensor(graph.output);
  if (output.layout === 'channels_last') output = { layer: builder.layer('Permute', rank === 2 ? 'output_nchw' : 'output_ncl', { dims: toChannelsFirst(rank) }, [output.layer]), layout: 'channels_last' };
  const total = builder.chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const weights = new Float32Array(total);
  let offset = 0;
  for (const chunk of builder.chunks) {
    weights.set(chunk, offset);
    offset += chunk.length;
  }
  return {
    modelJson: {
      format: 'layers-model',
      generatedBy: options.generatedBy,
      convertedBy: null,
      modelTopology: {
        class_name: 'Model',
        keras_version: 'tfjs-layers 4',
        backend: 'tensorflow',
        config: { name: options.modelName, layers: builder.layers, input_layers: [[input, 0, 0]], output_layers: [[output.layer, 0, 0]] },
      },
      weightsManifest: [{ paths: [TFJS_WEIGHTS_FILE], weights: builder.weights }],
      userDefinedMetadata: { ...options.metadata },
    },
    weightData: new Uint8Array(weights.buffer),
  };
}
