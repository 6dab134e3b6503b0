// Simplifies the export IR without changing what it computes: a BatchNorm that reads a conv or linear
// layer's output, and nothing else reads that output, becomes part of the layer's weights. Deployed
// runtimes then do one op instead of two, and every format gets the same weights.
import type { BatchNormNode, ConstTensor, ConvNode, IrGraph, IrNode, LinearNode } from './ir.js';
import { readerCounts } from './ir.js';

/** W'[o] = W[o] * g[o], b'[o] = (b[o] - mean[o]) * g[o] + beta[o] with g = gamma / sqrt(var + eps); in float64. */
function foldInto(layer: ConvNode | LinearNode, bn: BatchNormNode): ConvNode | LinearNode {
  const out = layer.weight.shape[0] ?? 0;
  const perOutput = layer.weight.data.length / out;
  const gain = Array.from({ length: out }, (_, o) => (bn.scale.data[o] as number) / Math.sqrt((bn.variance.data[o] as number) + bn.eps));
  const weight = new Float32Array(layer.weight.data.length);
  for (let o = 0; o < out; o++) {
    const g = gain[o] as number;
    for (let i = o * perOutput; i < (o + 1) * perOutput; i++) weight[i] = (layer.weight.data[i] as number) * g;
  }
  const bias = new Float32Array(out);
  for (let o = 0; o < out; o++) {
    bias[o] = ((layer.bias?.data[o] ?? 0) - (bn.mean.data[o] as number)) * (gain[o] as number) + (bn.shift.data[o] as number);
  }
  const folded: ConstTensor = { name: layer.weight.name, shape: layer.weight.shape, data: weight };
  const biasName = layer.bias?.name ?? layer.weight.name.replace(/weight$/, 'bias');
  return { ...layer, output: bn.output, weight: folded, bias: { name: biasName, shape: [out], data: bias } };
}

export function foldBatchNorms(graph: IrGraph): IrGraph {
  const readers = readerCounts(graph);
  const producers = new Map<number, number>();
  graph.nodes.forEach((node, index) => producers.set(node.output, index));
  const nodes: (IrNode | null)[] = [...graph.nodes];
  graph.nodes.forEach((node, index) => {
    if (node.op !== 'batchnorm') return;
    const input = node.inputs[0] as number;
    const at = producers.get(input);
    const layer = at === undefined ? null : nodes[at];
    if (layer === null || layer === undefined || (layer.op !== 'conv' && layer.op !== 'linear') || readers.get(input) !== 1) return;
    if ((layer.weight.shape[0] ?? -1) !== node.scale.data.length) return;
    nodes[at as number] = foldInto(layer, node);
    nodes[index] = null;
  });
  return { ...graph, nodes: nodes.filter((n): n is IrNode => n !== null) };
}
