// Writes the export IR as a TF.js layers model (model.json in Keras' functional format + one weight
// file). TF.js layers compute channels-last, so the graph starts with a Permute from the NCHW input of
// the contract to NHWC and keeps activations NHWC inside; weights are transposed to Keras' layouts,
// PyTorch's explicit padding becomes ZeroPadding2D + 'valid', and a flatten permutes back to
// channels-first first so the following Dense layer sees PyTorch's feature order.
import { INPUT_NAME } from './contract.js';
import { UnsupportedExportError, type ConstTensor, type IrGraph, type IrNode } from './ir.js';

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

/** Reorders a row-major tensor: output dim i is input dim perm[i]. */
export function transpose(data: Float32Array, shape: readonly number[], perm: readonly number[]): { data: Float32Array; shape: number[] } {
  const outShape = perm.map((p) => shape[p] as number);
  const inStrides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const stridesInOutOrder = perm.map((p) => inStrides[p] as number);
  const out = new Float32Array(data.length);
  const index = new Array<number>(outShape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let source = 0;
    for (let d = 0; d < index.length; d++) source += (index[d] as number) * (stridesInOutOrder[d] as number);
    out[o] = data[source] as number;
    for (let d = index.length - 1; d >= 0; d--) {
      index[d] = (index[d] as number) + 1;
      if ((index[d] as number) < (outShape[d] as number)) break;
      index[d] = 0;
    }
  }
  return { data: out, shape: outShape };
}

type Layout = 'nhwc' | 'flat';

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

  /** ZeroPadding2D when the IR pads, so the next layer can use 'valid' as PyTorch's explicit padding does. */
  private padded(input: string, padding: readonly [number, number], base: string): string {
    if (padding[0] === 0 && padding[1] === 0) return input;
    return this.layer('ZeroPadding2D', `${base}_pad`, { padding: [[padding[0], padding[0]], [padding[1], padding[1]]], data_format: 'channels_last' }, [input]);
  }

  private nonNegative(value: number): boolean {
    const producer = this.producers.get(value);
    return producer?.op === 'relu' || (producer?.op === 'maxpool' && this.nonNegative(producer.inputs[0] as number));
  }

  private spatial(node: IrNode, value: number): string {
    const t = this.tensor(value);
    if (t.layout !== 'nhwc') throw new UnsupportedExportError(`TF.js export: '${node.source}' (${node.op}) needs an image-shaped input`);
    return t.layer;
  }

  emit(node: IrNode): void {
    const base = node.source === '' ? node.op : node.source;
    const unsupported = (why: string): never => {
      throw new UnsupportedExportError(`TF.js export cannot express ${node.op} in '${node.source}': ${why}`);
    };
    switch (node.op) {
      case 'normalize': {
        // A per-channel x * (1/std) - mean/std: a 1x1 depthwise conv is the Keras layer that does it exactly.
        const c = node.mean.length;
        const kernel = Float32Array.from(node.std, (s) => 1 / s);
        const bias = Float32Array.from(node.mean, (m, i) => -m / (node.std[i] as number));
        const name = this.layer('DepthwiseConv2D', 'normalize', { kernel_size: [1, 1], strides: [1, 1], padding: 'valid', depth_multiplier: 1, data_format: 'channels_last', use_bias: true, activation: 'linear' }, [this.spatial(node, node.inputs[0] as number)], [
          ['depthwise_kernel', { data: kernel, shape: [1, 1, c, 1] }],
          ['bias', { data: bias, shape: [c] }],
        ]);
        return this.set(node.output, name, 'nhwc');
      }
      case 'conv': {
        const [out, perGroup, kh, kw] = node.weight.shape as [number, number, number, number];
        const input = this.padded(this.spatial(node, node.inputs[0] as number), node.padding, base);
        const bias: [string, ConstTensor][] = node.bias === null ? [] : [['bias', node.bias]];
        const common = { kernel_size: [kh, kw], strides: [...node.stride], padding: 'valid', data_format: 'channels_last', dilation_rate: [...node.dilation], use_bias: node.bias !== null, activation: 'linear' };
        let name: string;
        if (node.groups === 1) {
          name = this.layer('Conv2D', base, { ...common, filters: out }, [input], [['kernel', transpose(node.weight.data, node.weight.shape, [2, 3, 1, 0])], ...bias]);
        } else if (perGroup === 1 && node.groups === out) {
          name = this.layer('DepthwiseConv2D', base, { ...common, depth_multiplier: 1 }, [input], [['depthwise_kernel', transpose(node.weight.data, node.weight.shape, [2, 3, 0, 1])], ...bias]);
        } else {
          return unsupported(`grouped convolution (groups = ${node.groups}) other than depthwise`);
        }
        return this.set(node.output, name, 'nhwc');
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
        if (node.dilation[0] !== 1 || node.dilation[1] !== 1) return unsupported('dilation');
        const source = node.inputs[0] as number;
        // Zero padding equals PyTorch's -inf padding only where the input cannot be negative.
        if ((node.padding[0] > 0 || node.padding[1] > 0) && !this.nonNegative(source)) return unsupported('padding on an input that may be negative');
        const input = this.padded(this.spatial(node, source), node.padding, base);
        return this.set(node.output, this.layer('MaxPooling2D', `${base}_maxpool`, { pool_size: [...node.kernel], strides: [...node.stride], padding: 'valid', data_format: 'channels_last' }, [input]), 'nhwc');
      }
      case 'avgpool': {
        if (node.ceilMode) return unsupported('ceil_mode');
        if ((node.padding[0] > 0 || node.padding[1] > 0) && !node.countIncludePad) return unsupported('padding with count_include_pad = false');
        const input = this.padded(this.spatial(node, node.inputs[0] as number), node.padding, base);
        return this.set(node.output, this.layer('AveragePooling2D', `${base}_avgpool`, { pool_size: [...node.kernel], strides: [...node.stride], padding: 'valid', data_format: 'channels_last' }, [input]), 'nhwc');
      }
      case 'globalavgpool':
        return this.set(node.output, this.layer('GlobalAveragePooling2D', `${base}_pool`, { data_format: 'channels_last' }, [this.spatial(node, node.inputs[0] as number)]), 'flat');
      case 'flatten': {
        const [c, h, w] = this.graph.values[node.inputs[0] as number]?.shape ?? [];
        let input = this.spatial(node, node.inputs[0] as number);
        if (c !== 1 && (h ?? 1) * (w ?? 1) !== 1) input = this.layer('Permute', `${base}_nchw`, { dims: [3, 1, 2] }, [input]);
        return this.set(node.output, this.layer('Flatten', `${base}_flatten`, { data_format: 'channels_last' }, [input]), 'flat');
      }
    }
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
  if (shape.length !== 3) throw new UnsupportedExportError(`TF.js export needs an image input [C, H, W], got [${shape.join(', ')}]`);
  const input = builder.layer('InputLayer', INPUT_NAME, { batch_input_shape: [null, ...shape], sparse: false }, []);
  builder.set(graph.input, builder.layer('Permute', 'input_nhwc', { dims: [2, 3, 1] }, [input]), 'nhwc');
  for (const node of graph.nodes) builder.emit(node);
  let output = builder.tensor(graph.output);
  if (output.layout === 'nhwc') output = { layer: builder.layer('Permute', 'output_nchw', { dims: [3, 1, 2] }, [output.layer]), layout: 'nhwc' };
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
