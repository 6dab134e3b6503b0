// A chain of modules named "0", "1", ... (torch.nn.Sequential), so state keys read "features.3.weight".
import type * as E from '../engine/index.js';
import { Module } from './module.js';

export class Sequential extends Module {
  private readonly items: Module[] = [];

  constructor(...modules: Module[]) {
    super();
    for (const module of modules) this.append(module);
  }

  /** Adds a module at the end, named by its position. */
  append(module: Module): this {
    this.registerModule(String(this.items.length), module);
    this.items.push(module);
    return this;
  }

  get length(): number {
    return this.items.length;
  }

  /** The module at `index` (negative counts from the end). */
  at(index: number): Module {
    const module = this.items.at(index);
    if (module === undefined) throw new RangeError(`Sequential.at: index ${index} is out of range for ${this.items.length} modules`);
    return module;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.items[Symbol.iterator]();
  }

  forward(x: E.Tensor): E.Tensor {
    let y = x;
    for (const module of this.items) y = module.call(y);
    return y;
  }
}
