// Builds the export IR from one traced forward (src/nn/trace.ts): every ATen op that reads the
// network input (directly or not) becomes an IR node; ops that read only parameters (a
// parametrization such as a channel scale multiplied into a weight) are not part of the inference
// graph, and the layer that consumes their result is read from its module's effective parameters, as
// its forward reads them. Works for any network built from catrain modules whose ops are listed
// below; anything else is named in an error.
import * as E from '../engine/index.js';
import { BatchNorm, Convolution, Linear, traceForward, type Module, type Trace, type TracedOp } from '../nn/index.js';
import { UnsupportedExportError, type ConstTensor, type IrGraph, type IrNode, type IrNodeSpec, type IrValue } from './ir.js';
import { checkGlobalPool, poolNode, spatialOf } from './pool-spec.js';

export interface InputNormalization {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** Copies a tensor's elements out as float32 in row-major order (whatever its memory format or device). */
export function constantOf(tensor: E.Tensor, name: string): ConstTensor {
  const data = E.noGrad(() => E.scope(() => tensor.detach().cpu().contiguous().to('float32').data<'float32'>()));
  return { name, shape: [...tensor.shape], data: Float32Array.from(data) };
}

/** A parameter as the module's forward uses it (with any parametrization left on it, e.g. a channel scale). */
function effectiveConstant(path: string, module: Module, name: string): ConstTensor {
  return E.noGrad(() => E.scope(() => constantOf(module.effectiveValue(name), `${path}.${name}`)));
}

function weightAndBias(path: string, layer: Convolution | Linear): { weight: ConstTensor; bias: ConstTensor | null } {
  return { weight: effectiveConstant(path, layer, 'weight'), bias: layer.bias === null ? null : effectiveConstant(path, layer, 'bias') };
}


class TraceConverter {
  private readonly values: IrValue[] = [];
  private readonly nodes: IrNode[] = [];
  /** Trace value id -> IR value id, for values that depend on the network input. */
  private readonly irOf = new Map<number, number>();
  /** The innermost module that returned each traced value. */
  private readonly moduleOf = new Map<number, { path: string; module: Module }>();

  constructor(
    private readonly model: Module,
    private readonly trace: Trace,
  ) {
    for (const event of trace.events) if (event.kind === 'module' && !this.moduleOf.has(event.output)) this.moduleOf.set(event.output, { path: event.path, module: event.module });
  }

  convert(inputShape: readonly number[], normalization: InputNormalization): IrGraph {
    const input = this.newValue(inputShape);
    const channels = inputShape[0] ?? 0;
    if (normalization.mean.length !== channels || normalization.std.length !== channels) {
      throw new RangeError(`export: normalisation has ${normalization.mean.length} means and ${normalization.std.length} stds for ${channels} input channels`);
    }
    const normalized = this.newValue(inputShape);
    this.nodes.push({ op: 'normalize', inputs: [input], output: normalized, source: '', mean: [...normalization.mean], std: [...normalization.std] });
    this.irOf.set(this.trace.input, normalized);
    for (const event of this.trace.events) if (event.kind === 'op') this.convertOp(event);
    const output = this.irOf.get(this.trace.output);
    if (output === undefined) throw new UnsupportedExportError('export: the network output does not depend on its input');
    return { input, output, values: this.values, nodes: this.nodes };
  }

  private newValue(shape: readonly number[]): number {
    const id = this.values.length;
    this.values.push({ id, shape: [...shape] });
    return id;
  }

  private shapeOf(ir: number): readonly number[] {
    return (this.values[ir] as IrValue).shape;
  }

  /** Spatial dims of a [C, L] (1) or [C, H, W] (2) value; anything else is named in an error. */
  private spatialRank(op: TracedOp, x: number): number {
    const rank = this.shapeOf(x).length - 1;
    if (rank !== 1 && rank !== 2) this.unsupported(op, `expected a [N, C, L] or [N, C, H, W] input, got [N, ${this.shapeOf(x).join(', ')}]`);
    return rank;
  }

  /** Where an op came from, for messages: the module that returned its output, or its parameters' owner. */
  private sourceOf(op: TracedOp): string {
    const out = op.outputs[0];
    const module = out === undefined ? undefined : this.moduleOf.get(out);
    if (module !== undefined) return module.path;
    for (const input of op.inputs) {
      const owner = this.trace.values[input]?.owner;
      if (owner !== undefined) return owner.module;
    }
    return '';
  }

  private unsupported(op: TracedOp, why: string): never {
    const source = this.sourceOf(op);
    throw new UnsupportedExportError(`cannot export aten::${op.name}${op.overload === '' ? '' : `.${op.overload}`}${source === '' ? '' : ` (in module '${source}')`}: ${why}`);
  }

  /** Maps op's output to a fresh IR value of the traced shape (minus the batch dim) or `shape`. */
  private emit(op: TracedOp, node: IrNodeSpec, shape?: readonly number[]): void {
    const traced = op.outputs[0];
    if (traced === undefined) this.unsupported(op, 'it has no output');
    const output = this.newValue(shape ?? (this.trace.values[traced]?.shape ?? []).slice(1));
    this.nodes.push({ ...node, output, source: this.sourceOf(op) } as IrNode);
    this.irOf.set(traced, output);
  }

  private alias(op: TracedOp, input: number): void {
    const traced = op.outputs[0];
    if (traced === undefined) this.unsupported(op, 'it has no output');
    this.irOf.set(traced, input);
  }

  /** The tensor behind a traced parameter or buffer value. */
  private ownedTensor(op: TracedOp, value: number): { tensor: E.Tensor; name: string } {
    const owner = this.trace.values[value]?.owner;
    if (owner === undefined) this.unsupported(op, 'one of its constant operands is computed in the forward pass, not held by a module');
    const own = this.model.getSubmodule(owner.module).ownTensors();
    const holder = own.parameters.get(owner.name) ?? own.buffers.get(owner.name);
    if (holder === undefined) this.unsupported(op, `module '${owner.module}' has no tensor '${owner.name}'`);
    return { tensor: holder.value, name: owner.module === '' ? owner.name : `${owner.module}.${owner.name}` };
  }

  private convertOp(op: TracedOp): void {
    const dynamic = op.inputs.filter((v) => this.irOf.has(v));
    if (dynamic.length === 0) return; // a computation on parameters only: folded through its consumer
    const first = op.inputs[0] as number;
    const x = this.irOf.get(first);
    if (x === undefined || (dynamic.length > 1 && !['add', 'add_'].includes(op.name))) this.unsupported(op, 'it reads the network input in an operand export does not support');
    switch (op.name) {
      case 'conv1d':
      case 'conv2d':
        return this.conv(op, x);
      case 'linear':
        return this.linear(op, x);
      case 'batch_norm':
        return this.batchNorm(op, x);
      case 'relu':
      case 'relu_':
        return this.emit(op, { op: 'relu', inputs: [x] });
      case 'add':
      case 'add_': {
        const other = this.irOf.get(op.inputs[1] ?? -1);
        if (op.overload !== 'Tensor' || other === undefined) this.unsupported(op, 'only the sum of two activations is supported (no constants)');
        if (op.scalars[0] !== 1 && op.scalars[0] !== undefined) this.unsupported(op, `alpha ${String(op.scalars[0])} is not supported`);
        return this.emit(op, { op: 'add', inputs: [x, other] });
      }
      case 'max_pool1d':
      case 'max_pool2d':
      case 'avg_pool1d':
      case 'avg_pool2d':
        return this.emit(op, poolNode(op, x, this.spatialRank(op, x), (why) => this.unsupported(op, why)));
      case 'adaptive_avg_pool1d':
      case 'adaptive_avg_pool2d':
      case '_adaptive_avg_pool2d':
      case 'mean':
        checkGlobalPool(op, this.spatialRank(op, x), (why) => this.unsupported(op, why));
        // The IR pools straight to [C]; a [C, 1, ...] map is only ever flattened next (checked there).
        return this.emit(op, { op: 'globalavgpool', inputs: [x] }, this.shapeOf(x).slice(0, 1));
      case 'flatten':
      case 'view':
      case 'reshape':
      case '_reshape_alias':
        return this.flatten(op, x);
      case 'dropout':
      case 'feature_dropout':
        if (op.scalars[1] === true) this.unsupported(op, 'dropout in training mode');
        return this.alias(op, x);
      case 'contiguous':
      case 'clone':
      case 'detach':
      case 'alias':
        return this.alias(op, x);
      default:
        this.unsupported(op, 'no export rule for this operator; supported: conv1d, conv2d, linear, batch_norm, relu, add, max and average pooling in 1-d and 2-d, global average pooling, flatten, dropout (eval)');
    }
  }

  private flatten(op: TracedOp, x: number): void {
    const traced = this.trace.values[op.outputs[0] ?? -1]?.shape ?? [];
    const shape = this.shapeOf(x);
    const size = shape.reduce((a, b) => a * b, 1);
    if (traced.length !== 2 || traced[1] !== size) this.unsupported(op, `only flattening each example to one vector is supported, got [N, ${shape.join(', ')}] -> [${traced.join(', ')}]`);
    if (shape.length === 1) return this.alias(op, x);
    if (shape.length !== 2 && shape.length !== 3) this.unsupported(op, `flattening a [N, ${shape.join(', ')}] value`);
    this.emit(op, { op: 'flatten', inputs: [x] });
  }

  private layerModule<M extends Module>(op: TracedOp, kind: abstract new (...args: never[]) => M): { path: string; module: M } | undefined {
    const found = this.moduleOf.get(op.outputs[0] ?? -1);
    return found !== undefined && found.module instanceof kind ? { path: found.path, module: found.module } : undefined;
  }

  private conv(op: TracedOp, x: number): void {
    const rank = this.spatialRank(op, x);
    if (rank !== (op.name === 'conv1d' ? 1 : 2)) this.unsupported(op, `expected a [N, C, ${op.name === 'conv1d' ? 'L' : 'H, W'}] input, got [N, ${this.shapeOf(x).join(', ')}]`);
    const layer = this.layerModule(op, Convolution);
    if (layer !== undefined) {
      const conv = layer.module;
      return this.emit(op, {
        op: 'conv', inputs: [x], ...weightAndBias(layer.path, conv), stride: conv.stride, padding: conv.padding, paddingEnd: conv.paddingEnd, dilation: conv.dilation, groups: conv.groups,
      });
    }
    // A functional convolution on module-held tensors: settings from the call's own arguments.
    const settings = op.scalars.filter((s) => s !== null);
    const [stride, padding, dilation, groups] = settings;
    const w = this.ownedTensor(op, op.inputs[1] ?? -1);
    const b = op.inputs[2] === undefined ? null : this.ownedTensor(op, op.inputs[2]);
    if (typeof padding === 'string') this.unsupported(op, `padding '${padding}' in a functional convolution (a Conv1d or Conv2d module with it exports)`);
    const pad = spatialOf(padding, rank, `${op.name} padding`);
    this.emit(op, {
      op: 'conv', inputs: [x], weight: constantOf(w.tensor, w.name), bias: b === null ? null : constantOf(b.tensor, b.name),
      stride: spatialOf(stride, rank, `${op.name} stride`), padding: pad, paddingEnd: pad, dilation: spatialOf(dilation, rank, `${op.name} dilation`),
      groups: typeof groups === 'number' ? groups : 1,
    });
  }

  private linear(op: TracedOp, x: number): void {
    if (this.shapeOf(x).length !== 1) this.unsupported(op, `expected a [N, features] input, got [N, ${this.shapeOf(x).join(', ')}]`);
    const layer = this.layerModule(op, Linear);
    if (layer !== undefined) {
      return this.emit(op, { op: 'linear', inputs: [x], ...weightAndBias(layer.path, layer.module) });
    }
    const w = this.ownedTensor(op, op.inputs[1] ?? -1);
    const b = op.inputs[2] === undefined ? null : this.ownedTensor(op, op.inputs[2]);
    this.emit(op, { op: 'linear', inputs: [x], weight: constantOf(w.tensor, w.name), bias: b === null ? null : constantOf(b.tensor, b.name) });
  }

  private batchNorm(op: TracedOp, x: number): void {
    const layer = this.layerModule(op, BatchNorm);
    if (layer === undefined) this.unsupported(op, 'only BatchNorm modules are supported (not a functional batch_norm)');
    const bn = layer.module;
    if (bn.runningMean === null || bn.runningVar === null) this.unsupported(op, 'a BatchNorm without running statistics normalises by batch statistics even in eval mode');
    const width = bn.numFeatures;
    const affine = (present: boolean, fill: number, name: string): ConstTensor =>
      present ? effectiveConstant(layer.path, bn, name) : { name: `${layer.path}.${name}`, shape: [width], data: new Float32Array(width).fill(fill) };
    const scale = affine(bn.weight !== null, 1, 'weight');
    const shift = affine(bn.bias !== null, 0, 'bias');
    this.emit(op, {
      op: 'batchnorm', inputs: [x], scale, shift,
      mean: constantOf(bn.runningMean.value, `${layer.path}.running_mean`), variance: constantOf(bn.runningVar.value, `${layer.path}.running_var`), eps: bn.eps,
    });
  }
}

/**
 * The inference graph of `model` for inputs [N, ...inputShape] of pixels in [0, 1]: the dataset
 * normalisation first, then the network's ops as one eval-mode forward runs them.
 */
export function irFromModule(model: Module, inputShape: readonly number[], normalization: InputNormalization): IrGraph {
  const trace = traceForward(model, inputShape);
  const modes = model.modules().map((m) => [m, m.training] as const);
  try {
    // Parametrizations are asked for their values in eval mode, as the traced forward did.
    model.eval();
    return new TraceConverter(model, trace).convert(inputShape, normalization);
  } finally {
    for (const [m, mode] of modes) m.train(mode);
  }
}
