// Records one forward pass at the engine's dispatcher: every operator with the values it read and
// wrote, and every module call with the value it returned (docs/method.md section 7). A value is one
// version of a tensor: an in-place op (relu_, add_) makes a new version of the same tensor, so the
// graph stays acyclic. Which module an op belongs to is known from the parameters and buffers it
// reads, which are registered as named values before the forward runs.
import * as E from '../engine/index.js';
import type { Module } from './module.js';

/** A tensor value seen during the trace. */
export interface TracedValue {
  readonly id: number;
  readonly shape: readonly number[];
  /** Set for parameters and buffers: the owning module's path and the tensor's name there. */
  readonly owner?: { readonly module: string; readonly name: string };
}

export interface TracedOp {
  readonly kind: 'op';
  /** Schema name without the 'aten::' prefix and overload, e.g. 'conv2d', 'add_'. */
  readonly name: string;
  readonly overload: string;
  /** Tensor arguments in order (flattened from lists), as value ids. */
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  /** The non-tensor arguments in order. */
  readonly scalars: readonly unknown[];
}

export interface TracedModuleCall {
  readonly kind: 'module';
  readonly path: string;
  readonly module: Module;
  /** The value the module was called with; equal to `output` for a module that hands its input back (Identity). */
  readonly input: number;
  readonly output: number;
}

export type TraceEvent = TracedOp | TracedModuleCall;

export interface Trace {
  readonly values: readonly TracedValue[];
  readonly events: readonly TraceEvent[];
  /** The network input and output values. */
  readonly input: number;
  readonly output: number;
}

/**
 * Runs one forward of zeros shaped [batch, ...inputShape] in eval mode under noGrad and records it.
 * A batch of 2 keeps every op's batch dimension distinguishable from the channel dimension's 1s.
 * Training flags are restored afterwards and no running statistic changes.
 */
export function traceForward(model: Module, inputShape: readonly number[], batch = 2): Trace {
  const values: TracedValue[] = [];
  const current = new Map<E.Tensor, number>();
  const events: TraceEvent[] = [];
  const add = (tensor: E.Tensor, owner?: TracedValue['owner']): number => {
    const id = values.length;
    values.push(owner === undefined ? { id, shape: [...tensor.shape] } : { id, shape: [...tensor.shape], owner });
    current.set(tensor, id);
    return id;
  };
  const idOf = (tensor: E.Tensor): number => current.get(tensor) ?? add(tensor);
  for (const [path, module] of model.namedModules()) {
    const { parameters, buffers } = module.ownTensors();
    for (const [name, holder] of [...parameters, ...buffers]) add(holder.value, { module: path, name });
  }
  const paths = new Map(model.namedModules().map(([path, m]) => [m, path] as const));
  // The input's version when the call began: an in-place module (ReLU(true)) writes a new one.
  const started: number[] = [];
  const removers = model.modules().flatMap((m) => [
    m.registerForwardPreHook((_module, input) => void started.push(idOf(input))),
    m.registerForwardHook((module, _input, output) => {
      events.push({ kind: 'module', path: paths.get(module) ?? '?', module, input: started.pop() ?? -1, output: idOf(output) });
    }),
  ]);
  const modes = model.modules().map((m) => [m, m.training] as const);
  const first = model.parameters()[0]?.value;
  let input = -1;
  let output = -1;
  try {
    model.eval();
    E.noGrad(() =>
      E.scope(() => {
        const x = E.zeros([batch, ...inputShape], { dtype: first?.dtype ?? 'float32', device: first?.device ?? 'cpu' });
        input = add(x);
        const y = E.observeOps(
          (call) => {
            const tensors: E.Tensor[] = [];
            const scalars: unknown[] = [];
            for (const arg of call.args) {
              if (arg instanceof E.Tensor) tensors.push(arg);
              else if (Array.isArray(arg) && arg.some((item) => item instanceof E.Tensor)) tensors.push(...arg.filter((item): item is E.Tensor => item instanceof E.Tensor));
              else scalars.push(arg);
            }
            const inputs = tensors.map(idOf);
            const written = call.inPlace ? [add(tensors[0] as E.Tensor)] : call.outputs.map((t) => add(t));
            const [name = '', overload = ''] = call.op.replace(/^aten::/, '').split('.');
            events.push({ kind: 'op', name, overload, inputs, outputs: written, scalars });
          },
          () => model.call(x),
        );
        output = idOf(y);
      }),
    );
  } finally {
    for (const remove of removers) remove();
    for (const [m, mode] of modes) m.train(mode);
  }
  return { values, events, input, output };
}
