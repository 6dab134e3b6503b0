// The base of every layer and network: explicitly registered parameters, buffers and children whose
// dotted names equal PyTorch's (torch/nn/modules/module.py), so state dicts are interchangeable with
// the PyTorch reference scripts (style.md, "src/nn").
import * as E from '../engine/index.js';
import { Buffer, Parameter } from './parameter.js';
import { Parametrizations, type Parametrization } from './parametrization.js';
import { loadStateDictInto, type LoadResult } from './state-dict.js';

/**
 * Runs after a module's forward (through call()). Returning a tensor replaces the output; this is where
 * a gate multiplier can later be attached to a unit-producing layer without renaming any state key.
 */
export type ForwardHook = (module: Module, input: E.Tensor, output: E.Tensor) => E.Tensor | void;

/** Runs before a module's forward (through call()); an observer such as the tracer, it changes nothing. */
export type ForwardPreHook = (module: Module, input: E.Tensor) => void;

export interface LoadOptions {
  /** When true (default), missing and unexpected keys are errors; shape mismatches always are. */
  strict?: boolean;
}

function checkName(owner: Module, what: string, name: string, taken: boolean): void {
  if (typeof name !== 'string' || name.length === 0 || name.includes('.')) {
    throw new TypeError(`${owner.kind}: ${what} name ${JSON.stringify(name)} is invalid: expected a non-empty name without dots (dots separate state-dict levels)`);
  }
  if (taken) throw new Error(`${owner.kind}: the name '${name}' is already registered; every parameter, buffer and child needs its own name`);
}

/** Appends to a hook list; returns the function that takes the hook out again. */
function addRemovable<T>(list: T[], item: T): () => void {
  list.push(item);
  return () => {
    const at = list.indexOf(item);
    if (at >= 0) list.splice(at, 1);
  };
}

export abstract class Module {
  private readonly params = new Map<string, Parameter>();
  private readonly bufs = new Map<string, Buffer>();
  private readonly kids = new Map<string, Module>();
  private readonly hooks: ForwardHook[] = [];
  private readonly preHooks: ForwardPreHook[] = [];
  private readonly parametrizations = new Parametrizations();
  private isTraining = true;

  /** The computation; composite modules run their children through call(), not forward(). */
  abstract forward(x: E.Tensor): E.Tensor;

  /** forward(x) followed by the forward hooks, in registration order. */
  call(x: E.Tensor): E.Tensor {
    for (const hook of this.preHooks) hook(this, x);
    let y = this.forward(x);
    for (const hook of this.hooks) {
      const replaced = hook(this, x, y);
      if (replaced !== undefined) y = replaced;
    }
    return y;
  }

  /** The class name, used in messages and printing. */
  get kind(): string {
    return this.constructor.name;
  }

  // ---- registration ----
  protected registerParameter(name: string, value: E.Tensor, options: { requiresGrad?: boolean } = {}): Parameter {
    this.checkNew('parameter', name, value);
    const parameter = new Parameter(value, options);
    this.params.set(name, parameter);
    return parameter;
  }

  protected registerBuffer(name: string, value: E.Tensor, options: { persistent?: boolean } = {}): Buffer {
    this.checkNew('buffer', name, value);
    const buffer = new Buffer(value, options);
    this.bufs.set(name, buffer);
    return buffer;
  }

  protected registerModule<M extends Module>(name: string, child: M): M {
    if (!(child instanceof Module)) throw new TypeError(`${this.kind}: child '${name}' is not a Module`);
    this.checkNew('child module', name, child);
    this.kids.set(name, child);
    return child;
  }

  /** Unregisters and disposes a child (network surgery: e.g. a residual branch removed as a layer). */
  protected removeModule(name: string): void {
    const child = this.kids.get(name);
    if (child === undefined) throw new Error(`${this.kind}: no child module '${name}' to remove (children: ${[...this.kids.keys()].join(', ') || 'none'})`);
    this.kids.delete(name);
    child.dispose();
  }

  /** Registration takes ownership: a rejected tensor or child is disposed, so nothing leaks. */
  private checkNew(what: string, name: string, owned: { dispose(): void }): void {
    try {
      checkName(this, what, name, this.params.has(name) || this.bufs.has(name) || this.kids.has(name));
    } catch (error) {
      owned.dispose();
      throw error;
    }
  }

  registerForwardHook(hook: ForwardHook): () => void {
    return addRemovable(this.hooks, hook);
  }

  registerForwardPreHook(hook: ForwardPreHook): () => void {
    return addRemovable(this.preHooks, hook);
  }

  /** Makes forward use fn(value) in place of parameter `name`'s stored tensor (parametrization.ts); returns the remover. */
  registerParametrization(name: string, fn: Parametrization): () => void {
    this.ownParameter(name);
    return this.parametrizations.add(name, fn);
  }

  /** Parameter `name` as forward uses it: its stored tensor through its parametrizations. */
  effectiveValue(name: string): E.Tensor {
    return this.parametrizations.apply(name, this.ownParameter(name).value);
  }

  private ownParameter(name: string): Parameter {
    const parameter = this.params.get(name);
    if (parameter === undefined) throw new Error(`${this.kind}: no parameter '${name}' (parameters: ${[...this.params.keys()].join(', ') || 'none'})`);
    return parameter;
  }

  // ---- traversal (pre-order, registration order, as PyTorch) ----
  namedChildren(): [string, Module][] {
    return [...this.kids];
  }
  children(): Module[] {
    return [...this.kids.values()];
  }
  /** This module (named '') and every descendant, with dotted names. */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.kids) out.push(...child.namedModules(prefix === '' ? name : `${prefix}.${name}`));
    return out;
  }
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }
  namedParameters(): [string, Parameter][] {
    return this.namedModules().flatMap(([path, m]) => [...m.params].map(([name, p]): [string, Parameter] => [join(path, name), p]));
  }
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }
  /** Every buffer, persistent or not. */
  namedBuffers(): [string, Buffer][] {
    return this.namedModules().flatMap(([path, m]) => [...m.bufs].map(([name, b]): [string, Buffer] => [join(path, name), b]));
  }
  /** This module's own parameters and buffers (not its children's). */
  ownTensors(): { parameters: ReadonlyMap<string, Parameter>; buffers: ReadonlyMap<string, Buffer> } {
    return { parameters: this.params, buffers: this.bufs };
  }
  /** The descendant at a dotted path ('' is this module), e.g. 'layer1.0.conv1'. */
  getSubmodule(path: string): Module {
    let module: Module = this;
    for (const part of path === '' ? [] : path.split('.')) {
      const next = module.kids.get(part);
      if (next === undefined) {
        throw new Error(`${this.kind}: no submodule '${path}' ('${part}' is not a child of ${module.kind}; children: ${[...module.kids.keys()].join(', ') || 'none'})`);
      }
      module = next;
    }
    return module;
  }

  /** Calls fn on every descendant, children first, then on this module (PyTorch's apply order). */
  apply(fn: (module: Module) => void): this {
    for (const child of this.kids.values()) child.apply(fn);
    fn(this);
    return this;
  }

  // ---- modes ----
  get training(): boolean {
    return this.isTraining;
  }
  /** Sets training mode on this module and every descendant (batch statistics, dropout). */
  train(mode = true): this {
    this.isTraining = mode;
    for (const child of this.kids.values()) child.train(mode);
    return this;
  }
  eval(): this {
    return this.train(false);
  }

  // ---- state ----
  /**
   * Parameters and persistent buffers by dotted key, in PyTorch's order. The tensors are new handles
   * sharing storage with the module's (detached): dispose them, or let a scope do so.
   */
  stateDict(): Map<string, E.Tensor> {
    const out = new Map<string, E.Tensor>();
    for (const [path, m] of this.namedModules()) {
      for (const [name, p] of m.params) out.set(join(path, name), p.value.detach());
      for (const [name, b] of m.bufs) if (b.persistent) out.set(join(path, name), b.value.detach());
    }
    return out;
  }

  /**
   * Copies tensors into this module's parameters and buffers (keeping their device and dtype). Every
   * missing key, unexpected key and shape mismatch is reported at once, and nothing is copied then.
   */
  loadStateDict(state: ReadonlyMap<string, E.Tensor> | Readonly<Record<string, E.Tensor>>, options: LoadOptions = {}): LoadResult {
    const entries: ReadonlyMap<string, E.Tensor> =
      state instanceof Map ? state : new Map(Object.entries(state as Readonly<Record<string, E.Tensor>>));
    const targets = new Map<string, Parameter | Buffer>([...this.namedParameters(), ...this.namedBuffers().filter(([, b]) => b.persistent)]);
    return loadStateDictInto(this.kind, targets, entries, options.strict ?? true);
  }

  /** Writes the state dict to a safetensors file. */
  save(path: string, metadata: Record<string, string> = {}): void {
    E.scope(() => E.saveTensors(path, this.stateDict(), { format: 'catrain', module: this.kind, ...metadata }));
  }

  /** Reads a safetensors file written by save() (or by PyTorch with the same keys) into this module. */
  load(path: string, options: LoadOptions = {}): LoadResult {
    const { tensors } = E.loadTensors(path);
    try {
      return this.loadStateDict(tensors, options);
    } finally {
      for (const t of tensors.values()) t.dispose();
    }
  }

  /** Moves every tensor to a device, or converts the floating ones to a dtype; holders stay the same objects. */
  to(target: E.Device | E.FloatDType): this {
    const isDtype = target === 'float32' || target === 'float64';
    E.noGrad(() => {
      for (const [, holder] of [...this.namedParameters(), ...this.namedBuffers()]) {
        if (isDtype && !E.isFloating(holder.value.dtype)) continue; // counters stay int64, as in PyTorch
        holder.replace(E.scope(() => holder.value.to(target)));
      }
    });
    return this;
  }

  /** Lays out every 4-d tensor (conv weights) in `format`; channels-last speeds up convs on CPU and GPU. */
  toMemoryFormat(format: E.MemoryFormat): this {
    E.noGrad(() => {
      for (const [, holder] of [...this.namedParameters(), ...this.namedBuffers()]) {
        if (holder.value.ndim === 4) holder.replace(E.scope(() => holder.value.contiguous(format).clone()));
      }
    });
    return this;
  }

  /** Frees every tensor of this module and its descendants. Calling it twice is harmless. */
  dispose(): void {
    for (const p of this.params.values()) p.dispose();
    for (const b of this.bufs.values()) b.dispose();
    for (const child of this.kids.values()) child.dispose();
  }

  // ---- printing ----
  /** Settings shown between the parentheses, e.g. '16, 32, kernel_size=3'. */
  extraRepr(): string {
    return '';
  }

  toString(): string {
    const head = `${this.kind}(${this.extraRepr()}`;
    if (this.kids.size === 0) return `${head})`;
    const lines = [...this.kids].map(([name, child]) => `  (${name}): ${child.toString().split('\n').join('\n  ')}`);
    return `${head}\n${lines.join('\n')}\n)`;
  }
}

const join = (path: string, name: string): string => (path === '' ? name : `${path}.${name}`);
