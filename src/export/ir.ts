// The export IR: one small inference graph (channels-first, float32, eval mode) that every format
// writer reads. Values are [C, H, W] for images and [C, L] for signals; spatial settings hold one entry
// per spatial dim.
// It is built once from a traced forward (from-trace.ts), simplified (fold.ts), then written as ONNX,
// TF.js or anything else without looking at catrain modules again.

/** A constant tensor in row-major order, named after the state key it came from. */
export interface ConstTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** A value flowing through the graph; `shape` excludes the (dynamic) batch dimension. */
export interface IrValue {
  readonly id: number;
  readonly shape: readonly number[];
}

interface NodeBase {
  readonly inputs: readonly number[];
  readonly output: number;
  /** The module the node came from ('' for the network itself), for names and error messages. */
  readonly source: string;
}

/** One entry per spatial dim: [h, w] for 2-d layers, [l] for 1-d ones. */
export type Spatial = readonly number[];

/** (x - mean[c]) / std[c] per channel: the dataset normalisation the network was trained behind. */
export interface NormalizeNode extends NodeBase {
  readonly op: 'normalize';
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

export interface ConvNode extends NodeBase {
  readonly op: 'conv';
  /** [out, in / groups, ...kernel], PyTorch's layout. */
  readonly weight: ConstTensor;
  readonly bias: ConstTensor | null;
  readonly stride: Spatial;
  /** Zero padding before each spatial dim. */
  readonly padding: Spatial;
  /** Zero padding after each spatial dim: one more than `padding` where 'same' met an even kernel. */
  readonly paddingEnd: Spatial;
  readonly dilation: Spatial;
  readonly groups: number;
}

/** Inference batch norm over dim 1 with its running statistics. */
export interface BatchNormNode extends NodeBase {
  readonly op: 'batchnorm';
  readonly scale: ConstTensor;
  readonly shift: ConstTensor;
  readonly mean: ConstTensor;
  readonly variance: ConstTensor;
  readonly eps: number;
}

export interface LinearNode extends NodeBase {
  readonly op: 'linear';
  /** [out, in], PyTorch's layout. */
  readonly weight: ConstTensor;
  readonly bias: ConstTensor | null;
}

export interface ReluNode extends NodeBase {
  readonly op: 'relu';
}

/** Elementwise sum of two values of the same shape (a residual join). */
export interface AddNode extends NodeBase {
  readonly op: 'add';
}

export interface MaxPoolNode extends NodeBase {
  readonly op: 'maxpool';
  readonly kernel: Spatial;
  readonly stride: Spatial;
  readonly padding: Spatial;
  readonly dilation: Spatial;
  readonly ceilMode: boolean;
}

export interface AvgPoolNode extends NodeBase {
  readonly op: 'avgpool';
  readonly kernel: Spatial;
  readonly stride: Spatial;
  readonly padding: Spatial;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
}

/** Mean over every spatial position: [C, H, W] or [C, L] -> [C] (the pooled map is flattened at once). */
export interface GlobalAvgPoolNode extends NodeBase {
  readonly op: 'globalavgpool';
}

/** [C, H, W] -> [C * H * W] (or [C, L] -> [C * L]) in PyTorch's (C-major) order. */
export interface FlattenNode extends NodeBase {
  readonly op: 'flatten';
}

export type IrNode = NormalizeNode | ConvNode | BatchNormNode | LinearNode | ReluNode | AddNode | MaxPoolNode | AvgPoolNode | GlobalAvgPoolNode | FlattenNode;
export type IrOp = IrNode['op'];
/** A node before it is placed in a graph (no output value yet). */
export type IrNodeSpec = IrNode extends infer N ? (N extends IrNode ? Omit<N, 'output' | 'source'> : never) : never;

export interface IrGraph {
  /** Input value: [C, H, W] pixels in [0, 1], or [C, L] raw signal values. */
  readonly input: number;
  readonly output: number;
  readonly values: readonly IrValue[];
  /** In execution order. */
  readonly nodes: readonly IrNode[];
}

/** Thrown when a network uses something the export IR or a format cannot express; names it. */
export class UnsupportedExportError extends Error {
  override name = 'UnsupportedExportError';
}

/** How many nodes read each value (the graph output counts as one reader). */
export function readerCounts(graph: IrGraph): Map<number, number> {
  const counts = new Map<number, number>([[graph.output, 1]]);
  for (const node of graph.nodes) for (const input of node.inputs) counts.set(input, (counts.get(input) ?? 0) + 1);
  return counts;
}

export function valueShape(graph: IrGraph, id: number): readonly number[] {
  const value = graph.values[id];
  if (value === undefined) throw new Error(`export graph: no value ${id}`);
  return value.shape;
}
