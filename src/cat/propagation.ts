// Channel groups moved through a traced forward (docs/method.md section 7): each value carries a group,
// one rule per op kind (channel-rules.ts) passes, starts, joins or fixes groups, and every conv and
// linear layer is recorded with the groups it reads and writes. graph.ts turns the result into the
// structure graph.
import type { Trace, TracedOp } from '../nn/index.js';
import type { CountedOp } from './graph-types.js';
import { isConvolution, isLinearPerChannel, ruleOf, scalesOnly } from './channel-rules.js';

interface Flow {
  readonly node: number;
  readonly expand: number;
}

export interface GroupNode {
  producer: string | null;
  producerValue: number;
  width: number;
  reasons: string[];
  norms: string[];
  consumers: { module: string; expand: number; input: number }[];
  /** Sums or products of activations that joined this group to another: the op and the value it wrote. */
  joins: Join[];
}

export interface Join {
  readonly op: string;
  readonly output: number;
}

interface PendingLayer {
  module: string;
  op: CountedOp;
  inNode: number;
  outNode: number;
  inExpand: number;
  macs: number;
  params: number;
  macsPerPair: number;
  weightsPerPair: number;
  biasPerUnit: number;
  constant: boolean;
}

const product = (values: readonly number[]): number => values.reduce((a, b) => a * b, 1);
const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

export class GroupPropagation {
  readonly nodes: GroupNode[] = [];
  private readonly parent: number[] = [];
  readonly flow = new Map<number, Flow>();
  /** For pass-through ops: the value each output came from, whether zero stays zero, and whether the op is linear. */
  readonly prev = new Map<number, { from: number; zero: boolean; linear: boolean }>();
  readonly layers: PendingLayer[] = [];
  private readonly uses = new Map<string, number>();

  constructor(private readonly trace: Trace) {}

  newNode(width: number, producer: string | null, producerValue: number, reason?: string): number {
    this.nodes.push({ producer, producerValue, width, reasons: reason === undefined ? [] : [reason], norms: [], consumers: [], joins: [] });
    this.parent.push(this.parent.length);
    return this.parent.length - 1;
  }

  find(node: number): number {
    let root = node;
    while (this.parent[root] !== root) root = this.parent[root] as number;
    return root;
  }

  private union(a: number, b: number): number {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[rb] = ra;
    return ra;
  }

  fix(node: number, reason: string): void {
    (this.nodes[node] as GroupNode).reasons.push(reason);
  }

  private shape(value: number): readonly number[] {
    return this.trace.values[value]?.shape ?? [];
  }

  private owner(value: number): string | undefined {
    return this.trace.values[value]?.owner?.module;
  }

  run(): void {
    const { trace } = this;
    this.flow.set(trace.input, { node: this.newNode(this.shape(trace.input)[1] ?? 1, null, trace.input, 'the network input'), expand: 1 });
    for (const event of trace.events) if (event.kind === 'op') this.apply(event);
    const out = this.flow.get(trace.output);
    if (out !== undefined) this.fix(out.node, 'the network output');
  }

  private passThrough(op: TracedOp, from: number, zero: boolean): void {
    const source = this.flow.get(from) as Flow;
    for (const out of op.outputs) {
      this.flow.set(out, source);
      this.prev.set(out, { from, zero, linear: isLinearPerChannel(op.name) });
    }
  }

  private fixAll(op: TracedOp, reason: string): void {
    for (const input of op.inputs) {
      const f = this.flow.get(input);
      if (f !== undefined) this.fix(f.node, reason);
    }
    for (const out of op.outputs) this.flow.set(out, { node: this.newNode(this.shape(out)[1] ?? 1, null, out, `written by ${op.name}`), expand: 1 });
  }

  private apply(op: TracedOp): void {
    const flowing = op.inputs.filter((v) => this.flow.has(v));
    if (flowing.length === 0) return;
    const rule = ruleOf(op.name);
    const x = op.inputs[0] as number;
    switch (rule) {
      case 'produce':
        return this.produce(op);
      case 'pass':
      case 'pass-zero': {
        if (!this.flow.has(x)) return this.fixAll(op, `read by ${op.name} as a non-first operand`);
        if (op.name === 'batch_norm') {
          const norm = op.inputs.map((v) => this.owner(v)).find((m) => m !== undefined);
          const node = this.nodes[this.flow.get(x)!.node] as GroupNode;
          if (norm !== undefined) node.norms.push(norm);
        } else if (op.inputs.some((v) => this.owner(v) !== undefined)) {
          return this.fixAll(op, `${op.name} reads a parameter`);
        }
        return this.passThrough(op, x, rule === 'pass-zero');
      }
      case 'elementwise': {
        if (flowing.length >= 2) {
          const expands = new Set(flowing.map((v) => this.flow.get(v)!.expand));
          let root = this.flow.get(flowing[0] as number)!.node;
          for (const v of flowing.slice(1)) root = this.union(root, this.flow.get(v)!.node);
          // Whether a join can be pruned through is graph.ts's decision (it depends on the options).
          for (const out of op.outputs) (this.nodes[root] as GroupNode).joins.push({ op: op.name, output: out });
          if (expands.size > 1) this.fix(root, `${op.name} of differently flattened activations`);
          for (const out of op.outputs) this.flow.set(out, { node: root, expand: this.flow.get(x)?.expand ?? 1 });
          return;
        }
        const other = op.inputs.find((v) => v !== flowing[0]);
        if (other !== undefined && this.owner(other) !== undefined) return this.fixAll(op, `${op.name} with a parameter`);
        if (other !== undefined && !sameShape(this.shape(other), []) && (this.shape(other)[1] ?? 1) !== 1) {
          return this.fixAll(op, `${op.name} with a per-channel constant`);
        }
        return this.passThrough(op, flowing[0] as number, scalesOnly(op.name));
      }
      case 'flatten':
        return this.flatten(op, x);
      case 'spatial': {
        const inShape = this.shape(x);
        const outShape = this.shape(op.outputs[0] as number);
        if (this.flow.get(x)!.expand === 1 && inShape[0] === outShape[0] && inShape[1] === outShape[1]) return this.passThrough(op, x, true);
        return this.fixAll(op, `${op.name} over the channel dimension`);
      }
      default:
        return this.fixAll(op, `read by ${op.name}, which catrain does not prune through`);
    }
  }

  private flatten(op: TracedOp, x: number): void {
    const source = this.flow.get(x);
    const out = op.outputs[0] as number;
    const inShape = this.shape(x);
    const outShape = this.shape(out);
    if (source === undefined) return this.fixAll(op, `${op.name} of a non-activation`);
    if (sameShape(inShape, outShape)) return this.passThrough(op, x, true);
    // [N, C, ...spatial] to [N, C * spatial]: channel c owns `spatial` consecutive features.
    if (inShape.length >= 3 && outShape.length === 2 && outShape[0] === inShape[0] && outShape[1] === product(inShape.slice(1))) {
      this.flow.set(out, { node: source.node, expand: source.expand * product(inShape.slice(2)) });
      this.prev.set(out, { from: x, zero: true, linear: true });
      return;
    }
    if (inShape.length > 2 && outShape.length >= 2 && outShape[0] === inShape[0] && outShape[1] === inShape[1]) return this.passThrough(op, x, true);
    this.fixAll(op, `${op.name} from [${inShape.join(', ')}] to [${outShape.join(', ')}]`);
  }

  private produce(op: TracedOp): void {
    const [x, weight, bias] = op.inputs as [number, number, number | undefined];
    const module = this.owner(weight);
    const source = this.flow.get(x);
    const out = op.outputs[0] as number;
    const outShape = this.shape(out);
    const wShape = this.shape(weight);
    if (module === undefined || source === undefined || !this.flow.has(x)) return this.fixAll(op, `${op.name} without a module's weight`);
    const isConv = isConvolution(op.name);
    const outUnits = (isConv ? outShape[1] : outShape.at(-1)) ?? 1;
    const node = this.newNode(outUnits, module, out);
    this.flow.set(out, { node, expand: 1 });
    const uses = (this.uses.get(module) ?? 0) + 1;
    this.uses.set(module, uses);
    const groups = isConv ? Number(op.scalars.at(-1) ?? 1) : 1;
    const inFeatures = (wShape[1] ?? 1) * groups;
    const macs = isConv ? product(outShape.slice(1)) * product(wShape.slice(1)) : product(outShape.slice(1, -1)) * product(wShape);
    // Per (input feature, output unit) pair; a grouped conv is constant anyway.
    const params = product(wShape) + (bias === undefined ? 0 : product(this.shape(bias)));
    const constant = groups !== 1 || (!isConv && outShape.length !== 2) || (isConv && source.expand !== 1);
    if (constant) {
      this.fix(source.node, `read by ${module}, a ${groups !== 1 ? 'grouped convolution' : 'layer over an unusual rank'}`);
      this.fix(node, `written by ${module}, a ${groups !== 1 ? 'grouped convolution' : 'layer over an unusual rank'}`);
    }
    if (uses > 1) {
      this.fix(source.node, `${module} runs more than once`);
      this.fix(node, `${module} runs more than once`);
    }
    (this.nodes[source.node] as GroupNode).consumers.push({ module, expand: source.expand, input: x });
    this.layers.push({
      module,
      op: isConv ? (op.name as CountedOp) : 'linear',
      inNode: source.node,
      outNode: node,
      inExpand: source.expand,
      macs,
      params,
      macsPerPair: macs / (inFeatures * outUnits),
      weightsPerPair: product(wShape) / ((inFeatures / groups) * outUnits),
      biasPerUnit: bias === undefined ? 0 : 1,
      constant,
    });
  }
}

/** The pass-through chain that ends at `value`, from its producer on; `zero`: the step into it keeps zero at zero. */
export interface LineageEntry {
  value: number;
  zero: boolean;
  linear: boolean;
}

export function lineage(prop: GroupPropagation, value: number): LineageEntry[] {
  const chain: LineageEntry[] = [];
  for (let v: number | undefined = value; v !== undefined; v = prop.prev.get(v)?.from) {
    const step = prop.prev.get(v);
    chain.push({ value: v, zero: step?.zero ?? true, linear: step?.linear ?? true });
  }
  return chain.reverse();
}
