// Calls ATen operators through the addon's dispatcher entry. Each operator is named once, by its
// schema name and overload, and resolved on first use; libtorch errors come back as TorchError.
import { native, type NativeArg, type NativeResult } from './native.js';
import { Tensor } from './tensor.js';

export type AtenArg =
  | Tensor
  | number
  | boolean
  | string
  | null
  | undefined
  | readonly number[]
  | readonly boolean[]
  | readonly Tensor[]
  | readonly (Tensor | null)[];

/** An error raised by libtorch, with the operator that raised it. */
export class TorchError extends Error {
  constructor(
    readonly op: string,
    readonly torchMessage: string,
    options?: ErrorOptions,
  ) {
    super(`${op}: ${torchMessage}`, options);
    this.name = 'TorchError';
  }
}

/** An ATen operator, resolved in libtorch's dispatcher on first use. */
export interface AtenOp {
  readonly qualifiedName: string;
  /** The dispatcher index; looks the operator up the first time. */
  id(): number;
  /** The operator's schema as libtorch declares it. */
  schema(): string;
}

// A function declaration rather than a class: op modules call it at load time, and in an ESM import
// cycle a hoisted function is usable before this module has run, while a class would not be.
/** Names an operator, e.g. aten('add', 'Tensor') for aten::add.Tensor. */
export function aten(name: string, overload = ''): AtenOp {
  const fullName = `aten::${name}`;
  const qualifiedName = overload === '' ? fullName : `${fullName}.${overload}`;
  let index = -1;
  const id = (): number => {
    if (index < 0) index = resolve(qualifiedName, fullName, overload);
    return index;
  };
  return { qualifiedName, id, schema: () => native.opSchema(id()) };
}

// One dispatcher lookup per operator for the whole process, however many AtenOps name it: the addon
// keeps an entry per lookup. Only used after module loading, so the Map is initialised by then.
const resolved = new Map<string, number>();

function resolve(qualifiedName: string, fullName: string, overload: string): number {
  let index = resolved.get(qualifiedName);
  if (index === undefined) {
    index = native.opHandle(fullName, overload);
    resolved.set(qualifiedName, index);
  }
  return index;
}

function toNative(arg: AtenArg): NativeArg {
  if (arg instanceof Tensor) return arg.handle;
  if (Array.isArray(arg)) {
    let converted: (number | boolean | null)[] | undefined;
    for (let i = 0; i < arg.length; i++) {
      const item: unknown = arg[i];
      if (item instanceof Tensor) {
        converted ??= arg.slice(0, i);
        converted.push(item.handle);
      } else if (converted !== undefined) {
        converted.push(item as number | boolean | null);
      }
    }
    return converted ?? (arg as readonly number[]);
  }
  return arg as NativeArg;
}

// Explicit arities: a spread call and a mapped copy of the arguments cost as much as the crossing
// itself for a tiny op (bench/engine-overhead.ts).
function callNative(entry: (op: number, ...args: NativeArg[]) => NativeResult | void, id: number, args: readonly AtenArg[]): NativeResult | void {
  switch (args.length) {
    case 1:
      return entry(id, toNative(args[0]));
    case 2:
      return entry(id, toNative(args[0]), toNative(args[1]));
    case 3:
      return entry(id, toNative(args[0]), toNative(args[1]), toNative(args[2]));
    case 4:
      return entry(id, toNative(args[0]), toNative(args[1]), toNative(args[2]), toNative(args[3]));
    default:
      return entry(id, ...args.map(toNative));
  }
}

function invoke(op: AtenOp, args: readonly AtenArg[], returnResults: boolean): NativeResult | undefined {
  const id = op.id();
  try {
    if (!returnResults) {
      callNative(native.callVoid, id, args);
      return undefined;
    }
    return callNative(native.call, id, args) as NativeResult;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new TorchError(op.qualifiedName, message.startsWith(`${op.qualifiedName}:`) ? message.slice(op.qualifiedName.length + 2) : message, {
      cause: error,
    });
  }
}

/** One dispatched operator call, as an observer sees it (in-place calls have no outputs of their own). */
export interface OpCall {
  readonly op: string;
  readonly args: readonly AtenArg[];
  readonly outputs: readonly Tensor[];
  readonly inPlace: boolean;
}

export type OpObserver = (call: OpCall) => void;

let observer: OpObserver | null = null;

/**
 * Runs fn while every operator call is reported to `onCall`: the structure graph of src/cat is
 * recorded this way from one forward pass, so it sees functional ops (sums, flatten) that module
 * hooks cannot. Observers do not nest; the previous one is restored afterwards.
 */
export function observeOps<T>(onCall: OpObserver, fn: () => T): T {
  const previous = observer;
  observer = onCall;
  try {
    return fn();
  } finally {
    observer = previous;
  }
}

/** Calls an operator that returns one tensor. */
export function callTensor(op: AtenOp, ...args: AtenArg[]): Tensor {
  const out = Tensor.fromHandle(invoke(op, args, true) as number);
  if (observer !== null) observer({ op: op.qualifiedName, args, outputs: [out], inPlace: false });
  return out;
}

/**
 * What observers see as one call of `op` with `args`, computed by `compute` with other operators that
 * they do not see: a kernel workaround must not change the graph a trace records or an export writes.
 */
export function callTensorAs(op: AtenOp, args: readonly AtenArg[], compute: () => Tensor): Tensor {
  const previous = observer;
  observer = null;
  let out: Tensor;
  try {
    out = compute();
  } finally {
    observer = previous;
  }
  if (observer !== null) observer({ op: op.qualifiedName, args, outputs: [out], inPlace: false });
  return out;
}

/** Calls an operator that returns several tensors (a tuple or a list). */
export function callTensors(op: AtenOp, ...args: AtenArg[]): Tensor[] {
  const result = invoke(op, args, true) as (number | null)[];
  const outputs = result.map((handle) => {
    if (handle === null) throw new TorchError(op.qualifiedName, 'returned an undefined tensor');
    return Tensor.fromHandle(handle);
  });
  if (observer !== null) observer({ op: op.qualifiedName, args, outputs, inPlace: false });
  return outputs;
}

/** Calls an in-place operator (its result aliases an argument, so no new handle is made). */
export function callInPlace(op: AtenOp, ...args: AtenArg[]): void {
  invoke(op, args, false);
  if (observer !== null) observer({ op: op.qualifiedName, args, outputs: [], inPlace: true });
}
