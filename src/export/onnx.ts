// Writes the export IR as an ONNX model (opset 13, IR version 7) with the message classes that
// onnx-proto generates for protobufjs. The batch dimension is symbolic ('N'); weights are stored as
// little-endian raw float32 initializers named after their state keys.
import onnxProto from 'onnx-proto';
import { INPUT_NAME, OUTPUT_NAME } from './contract.js';
import { UnsupportedExportError, valueShape, type ConstTensor, type IrGraph, type IrNode } from './ir.js';

const { onnx } = onnxProto;

export const ONNX_OPSET = 13;
const ONNX_IR_VERSION = 7;
const FLOAT = onnx.TensorProto.DataType.FLOAT;

type Attribute = onnxProto.onnx.IAttributeProto;

const ints = (name: string, values: readonly number[]): Attribute => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: [...values] });
const int = (name: string, value: number): Attribute => ({ name, type: onnx.AttributeProto.AttributeType.INT, i: value });
const float = (name: string, value: number): Attribute => ({ name, type: onnx.AttributeProto.AttributeType.FLOAT, f: value });

/** ONNX pads every spatial dim at its start, then every one at its end; PyTorch pads both ends alike. */
const pads = (padding: readonly number[]): number[] => [...padding, ...padding];

function initializer(name: string, shape: readonly number[], data: Float32Array): onnxProto.onnx.ITensorProto {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('ONNX export needs a little-endian host (raw_data is little-endian)');
  return { name, dims: [...shape], dataType: FLOAT, rawData: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)) };
}

function valueInfo(name: string, shape: readonly number[]): onnxProto.onnx.IValueInfoProto {
  return { name, type: { tensorType: { elemType: FLOAT, shape: { dim: [{ dimParam: 'N' }, ...shape.map((d) => ({ dimValue: d }))] } } } };
}

/** Builds the GraphProto's nodes and initializers, one IR node at a time. */
class OnnxGraphBuilder {
  readonly nodes: onnxProto.onnx.INodeProto[] = [];
  readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly used = new Set<string>();

  constructor(private readonly graph: IrGraph) {}

  name(value: number): string {
    if (value === this.graph.input) return INPUT_NAME;
    if (value === this.graph.output) return OUTPUT_NAME;
    return `v${value}`;
  }

  private constant(tensor: ConstTensor, shape: readonly number[] = tensor.shape): string {
    let name = tensor.name;
    for (let n = 1; this.used.has(name); n++) name = `${tensor.name}_${n}`;
    this.used.add(name);
    this.initializers.push(initializer(name, shape, tensor.data));
    return name;
  }

  private add(opType: string, source: string, inputs: string[], output: string, attribute: Attribute[] = []): void {
    this.nodes.push({ opType, name: `${source === '' ? 'net' : source}/${opType}_${this.nodes.length}`, input: inputs, output: [output], attribute });
  }

  emit(node: IrNode): void {
    const x = this.name(node.inputs[0] as number);
    const y = this.name(node.output);
    switch (node.op) {
      case 'normalize': {
        // [1, C, 1, ...]: broadcast over the batch and every spatial position.
        const shape = [1, ...valueShape(this.graph, node.inputs[0] as number).map((d, i) => (i === 0 ? d : 1))];
        const mid = `${y}_centred`;
        this.add('Sub', 'normalize', [x, this.constant({ name: 'normalize.mean', shape, data: Float32Array.from(node.mean) })], mid);
        this.add('Div', 'normalize', [mid, this.constant({ name: 'normalize.std', shape, data: Float32Array.from(node.std) })], y);
        return;
      }
      case 'conv': {
        const inputs = [x, this.constant(node.weight)];
        if (node.bias !== null) inputs.push(this.constant(node.bias));
        this.add('Conv', node.source, inputs, y, [
          ints('kernel_shape', node.weight.shape.slice(2)),
          ints('strides', node.stride),
          ints('pads', [...node.padding, ...node.paddingEnd]),
          ints('dilations', node.dilation),
          int('group', node.groups),
        ]);
        return;
      }
      case 'batchnorm':
        this.add('BatchNormalization', node.source, [x, this.constant(node.scale), this.constant(node.shift), this.constant(node.mean), this.constant(node.variance)], y, [float('epsilon', node.eps)]);
        return;
      case 'linear': {
        const inputs = [x, this.constant(node.weight)];
        if (node.bias !== null) inputs.push(this.constant(node.bias));
        this.add('Gemm', node.source, inputs, y, [int('transB', 1)]);
        return;
      }
      case 'relu':
        this.add('Relu', node.source, [x], y);
        return;
      case 'add':
        this.add('Add', node.source, [x, this.name(node.inputs[1] as number)], y);
        return;
      case 'maxpool':
        if (node.dilation.some((d) => d !== 1)) throw new UnsupportedExportError(`ONNX export: max pooling with dilation in '${node.source}' (MaxPool dilations are not supported by every runtime)`);
        this.add('MaxPool', node.source, [x], y, [
          ints('kernel_shape', node.kernel), ints('strides', node.stride), ints('pads', pads(node.padding)), int('ceil_mode', node.ceilMode ? 1 : 0),
        ]);
        return;
      case 'avgpool':
        this.add('AveragePool', node.source, [x], y, [
          ints('kernel_shape', node.kernel), ints('strides', node.stride), ints('pads', pads(node.padding)),
          int('ceil_mode', node.ceilMode ? 1 : 0), int('count_include_pad', node.countIncludePad ? 1 : 0),
        ]);
        return;
      case 'globalavgpool': {
        const pooled = `${y}_pooled`;
        this.add('GlobalAveragePool', node.source, [x], pooled);
        this.add('Flatten', node.source, [pooled], y, [int('axis', 1)]);
        return;
      }
      case 'flatten':
        this.add('Flatten', node.source, [x], y, [int('axis', 1)]);
        return;
    }
  }
}

export interface OnnxExportOptions {
  /** Stored as metadata_props (the contract, class names). */
  metadata: Readonly<Record<string, string>>;
  graphName: string;
  producerVersion: string;
  docString?: string;
}

/** The serialized ModelProto. */
export function writeOnnx(graph: IrGraph, options: OnnxExportOptions): Uint8Array {
  const builder = new OnnxGraphBuilder(graph);
  for (const node of graph.nodes) builder.emit(node);
  const model: onnxProto.onnx.IModelProto = {
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'catrain',
    producerVersion: options.producerVersion,
    docString: options.docString ?? '',
    metadataProps: Object.entries(options.metadata).map(([key, value]) => ({ key, value })),
    graph: {
      name: options.graphName,
      node: builder.nodes,
      initializer: builder.initializers,
      input: [valueInfo(INPUT_NAME, valueShape(graph, graph.input))],
      output: [valueInfo(OUTPUT_NAME, valueShape(graph, graph.output))],
    },
  };
  const problem = onnx.ModelProto.verify(model);
  if (problem !== null) throw new Error(`ONNX export built an invalid ModelProto: ${problem}`);
  return onnx.ModelProto.encode(model).finish();
}
