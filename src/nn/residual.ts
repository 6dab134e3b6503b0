// Residual blocks (He et al. 2016) with torchvision's state keys: conv1, bn1, conv2, bn2 (conv3, bn3),
// and the shortcut under 'downsample' (torchvision) or 'shortcut' (the CIFAR ResNets), with a 1x1 conv
// + BN projection where the shape changes ("option B").
//
// Built for layer pruning (docs/method.md sections 2 and 4): the residual branch is a typed record
// (`branch`) whose modules are registered directly on the block (so the names stay torchvision's),
// branch hooks can transform the branch output before the sum (where CAT's layer gate xi_B goes), and
// `removeBranch()` turns the block into relu(shortcut(x)) and frees the branch's weights. A pruning
// algorithm reaches all of this through the `Residual` interface (residual-registry.ts).
import * as E from '../engine/index.js';
import { ReLU, Identity } from './activation.js';
import { BatchNorm1d, BatchNorm2d } from './batchnorm.js';
import { Conv1d, Conv2d } from './conv.js';
import { Module } from './module.js';
import type { Parameter } from './parameter.js';
import { Sequential } from './sequential.js';

/** Transforms a block's branch output before it is added to the shortcut. */
export type BranchHook = (branchOutput: E.Tensor, block: Module) => E.Tensor;

/** A block computing relu(shortcut(x) + branch(x)) whose branch can be hooked and removed. */
export interface Residual {
  /** Child names of the branch's modules, in registration order; empty once the branch was removed. */
  readonly branchNames: readonly string[];
  /** Child name of the shortcut. */
  readonly shortcutName: string;
  /** Removes the branch (the block becomes relu(shortcut(x))); returns the parameters it held, now freed. */
  removeBranch(): Parameter[];
  /** Runs `hook` on the branch output before the sum, after those registered earlier; returns its remover. */
  registerBranchHook(hook: BranchHook): () => void;
}

export interface ResidualBlockOptions {
  stride?: number;
  /** State-key name of the shortcut: torchvision's 'downsample' (default) or the CIFAR ResNets' 'shortcut'. */
  shortcutName?: 'downsample' | 'shortcut';
  /**
   * The shortcut module, for blocks whose shortcut is not the default (the identity, or a 2-d
   * projection where stride or width changes), e.g. a 1-d projection or a lone BatchNorm.
   */
  shortcut?: Module;
}

/** A 3x3 conv with padding 1 and no bias (a BatchNorm follows), torchvision's conv3x3. */
export const conv3x3 = (inPlanes: number, outPlanes: number, stride = 1): Conv2d => new Conv2d(inPlanes, outPlanes, 3, { stride, padding: 1, bias: false });
export const conv1x1 = (inPlanes: number, outPlanes: number, stride = 1): Conv2d => new Conv2d(inPlanes, outPlanes, 1, { stride, bias: false });
/** The 1x1 conv + BN ("option B") shortcut of a block over `dims` spatial dims. */
export function projection(inPlanes: number, outPlanes: number, stride = 1, dims: 1 | 2 = 2): Sequential {
  if (dims === 1) return new Sequential(new Conv1d(inPlanes, outPlanes, 1, { stride, bias: false }), new BatchNorm1d(outPlanes));
  return new Sequential(conv1x1(inPlanes, outPlanes, stride), new BatchNorm2d(outPlanes));
}

/** The BatchNorm that follows a conv in a branch. */
const normOf = (conv: Conv2d): BatchNorm2d => new BatchNorm2d(conv.outChannels);

export abstract class ResidualBlock<Branch extends object = object> extends Module implements Residual {
  /** Identity, or Sequential(conv1x1, BatchNorm2d) when stride or width changes, unless options.shortcut is given. */
  readonly shortcut: Module;
  /** The ReLU after the sum. */
  readonly relu: ReLU;
  private branchModules: Branch | null;
  private branchHooks: BranchHook[] = [];
  private readonly shortcutKey: string;

  // Public although the class is abstract, so that the class itself can key nn's registries.
  constructor(inPlanes: number, outPlanes: number, branch: Branch, options: ResidualBlockOptions) {
    super();
    const { stride = 1, shortcutName = 'downsample' } = options;
    this.branchModules = branch;
    // Registration order follows torchvision's attribute order (branch, relu, downsample), so state
    // dicts list keys in the same order.
    for (const [name, module] of Object.entries(branch) as [string, Module][]) this.registerModule(name, module);
    this.relu = this.registerModule('relu', new ReLU(true));
    const project = stride !== 1 || inPlanes !== outPlanes;
    this.shortcutKey = shortcutName;
    this.shortcut = this.registerModule(shortcutName, options.shortcut ?? (project ? projection(inPlanes, outPlanes, stride) : new Identity()));
  }

  /** The branch's modules, or null once the branch was removed. */
  get branch(): Branch | null {
    return this.branchModules;
  }

  get hasBranch(): boolean {
    return this.branchModules !== null;
  }

  get branchNames(): string[] {
    return this.branchModules === null ? [] : Object.keys(this.branchModules);
  }

  /** The state-key name of the shortcut ('downsample' or 'shortcut'). */
  get shortcutName(): string {
    return this.shortcutKey;
  }

  /** The residual branch F(x), before the branch hooks. */
  protected abstract forwardBranch(branch: Branch, x: E.Tensor): E.Tensor;

  registerBranchHook(hook: BranchHook): () => void {
    this.branchHooks.push(hook);
    return () => {
      const at = this.branchHooks.indexOf(hook);
      if (at >= 0) this.branchHooks.splice(at, 1);
    };
  }

  forward(x: E.Tensor): E.Tensor {
    const identity = this.shortcut.call(x);
    // With an identity shortcut `identity` is the block's input, which the previous layer's backward
    // still needs, so it must not be overwritten in place.
    if (this.branch === null) return identity === x ? E.relu(x) : this.relu.call(identity);
    let out = this.forwardBranch(this.branch, x);
    for (const hook of this.branchHooks) out = hook(out, this);
    // The branch output is fresh (a BatchNorm's or a hook's), so the sum and ReLU can reuse it.
    out.add_(identity);
    return this.relu.call(out);
  }

  /**
   * Removes the residual branch as a layer (docs/method.md section 4, step 7: the block is
   * replaced by its shortcut): its modules are unregistered and disposed, and forward returns relu(shortcut(x)).
   */
  removeBranch(): Parameter[] {
    if (this.branch === null) throw new Error(`${this.kind}.removeBranch: the branch was already removed`);
    const freed = (Object.values(this.branch) as Module[]).flatMap((module) => module.parameters());
    for (const name of Object.keys(this.branch)) this.removeModule(name);
    this.branchModules = null;
    this.branchHooks = [];
    return freed;
  }
}

/** A block whose branch applies its modules in the order its record lists them, so it needs no forward of its own. */
export abstract class ChainedBlock<Branch extends object> extends ResidualBlock<Branch> {
  protected forwardBranch(branch: Branch, x: E.Tensor): E.Tensor {
    let h = x;
    for (const module of Object.values(branch) as Module[]) h = module.call(h);
    return h;
  }
}

export interface BasicBranch {
  conv1: Conv2d;
  bn1: BatchNorm2d;
  /** After bn1: where the block's unit gates go (the internal width, docs/method.md section 2). */
  relu1: ReLU;
  conv2: Conv2d;
  bn2: BatchNorm2d;
}

/** conv3x3-bn-relu-conv3x3-bn plus shortcut, relu after the sum (expansion 1). */
export class BasicBlock extends ChainedBlock<BasicBranch> {
  static readonly expansion = 1;

  constructor(inPlanes: number, planes: number, options: ResidualBlockOptions = {}) {
    const [conv1, conv2] = [conv3x3(inPlanes, planes, options.stride ?? 1), conv3x3(planes, planes)];
    super(inPlanes, planes, { conv1, bn1: normOf(conv1), relu1: new ReLU(true), conv2, bn2: normOf(conv2) }, options);
  }
}

/** The basic branch's names (conv1 is 1x1 here), a ReLU after bn2, and a third conv-BN pair. */
export interface BottleneckBranch extends BasicBranch {
  relu2: ReLU;
  conv3: Conv2d;
  bn3: BatchNorm2d;
}

/**
 * 1x1 (reduce) - 3x3 - 1x1 (expand x4), each followed by BN, relu after the first two and after the
 * sum. The stride sits on the 3x3 conv, as torchvision's ResNet v1.5.
 */
export class Bottleneck extends ChainedBlock<BottleneckBranch> {
  static readonly expansion = 4;

  constructor(inPlanes: number, planes: number, options: ResidualBlockOptions = {}) {
    const conv1 = conv1x1(inPlanes, planes);
    const conv2 = conv3x3(planes, planes, options.stride ?? 1);
    const conv3 = conv1x1(planes, planes * Bottleneck.expansion);
    const branch = { conv1, bn1: normOf(conv1), relu1: new ReLU(true), conv2, bn2: normOf(conv2), relu2: new ReLU(true), conv3, bn3: normOf(conv3) };
    super(inPlanes, planes * Bottleneck.expansion, branch, options);
  }
}
