// The structure graph (docs/method.md sections 2 and 7): unit groups, the layers that read and write them,
// and the residual blocks that can be removed as layers. Plain data derived from a trace; every CAT
// component (complexity, gates, pruning, surgery, reports) reads it, none names an architecture.

/**
 * How a residual sum's channels are treated: 'coupled' makes every channel dimension that sums join
 * (a stage's width) one group, gated once and sliced in every layer that writes or reads it;
 * 'fixed' keeps them whole, as catrain did before coupled groups existed.
 */
export type ResidualChannels = 'coupled' | 'fixed';

export interface GraphOptions {
  readonly residualChannels?: ResidualChannels;
}

/**
 * Where a group's gate multiplies, and how: 'consumers' scales every reader's input columns (the
 * same function and gradient as multiplying the activation, for O(weights)), 'activation'
 * multiplies the site module's output.
 */
export interface GateSite {
  readonly module: string;
  /** Rank of the gated activation: 2 ([N, C]), 3 ([N, C, L]) or 4 ([N, C, H, W]). */
  readonly rank: number;
  readonly folds: 'consumers' | 'activation';
}

/** A channel dimension whose units shrink together: its producers' outputs, its norms, its consumers' inputs. */
export interface UnitGroup {
  /**
   * Stable id: the producing layer's module path ('layer1.0.conv1'); for a coupled group, that of a
   * producer outside every removable branch (the stem, a shortcut projection), so removing a block
   * keeps it; a synthetic id for fixed groups without a producer.
   */
  readonly id: string;
  readonly width: number;
  /** Whether units can be gated and removed; otherwise theta is fixed at 1. */
  readonly prunable: boolean;
  /** Why the group is fixed (e.g. 'joined by a residual sum'); null when prunable. */
  readonly fixedReason: string | null;
  /** Module paths of the convs/linears that write the group (several for a coupled group; none for the network input). */
  readonly producers: readonly string[];
  /** BatchNorm layers that normalise the group (sliced with it). */
  readonly norms: readonly string[];
  /** Layers that read the group; `expand` input features per unit (H*W or L after a flatten, else 1). */
  readonly consumers: readonly { readonly module: string; readonly expand: number }[];
  /**
   * Where the unit gate goes: after the last BatchNorm and the nonlinearity on the path to every
   * consumer; for a coupled group, on each path into its consumers (after the sums). One entry that
   * folds into the consumers covers them all. Empty when the group is fixed.
   */
  readonly gateSites: readonly GateSite[];
  /** Whether residual sums join several producers into this group. */
  readonly coupled: boolean;
  /** The residual block whose branch contains the producer, if any (null for a coupled group). */
  readonly block: string | null;
}

/** The ops whose MACs are counted: the convolutions of each rank and the fully connected layer. */
export type CountedOp = 'conv1d' | 'conv2d' | 'linear';

/** A conv or linear layer as complexity sees it: MACs and weights are bilinear in its two groups. */
export interface CountedLayer {
  readonly module: string;
  readonly op: CountedOp;
  readonly inGroup: string;
  readonly outGroup: string;
  /** Input features per unit of the input group (H*W, or L, when a flatten precedes a linear). */
  readonly inExpand: number;
  /** MACs per (input feature, output unit) pair: Ho*Wo*kh*kw (Lo*k in 1-d) for a conv, the rows for a linear. */
  readonly macsPerPair: number;
  /** Weights per (input feature, output unit) pair: kh*kw (k in 1-d) for a conv, 1 for a linear. */
  readonly weightsPerPair: number;
  /** Bias entries per output unit (0 or 1). */
  readonly biasPerUnit: number;
  /** Exact MACs and parameters now. */
  readonly macs: number;
  readonly params: number;
  /** True when the layer cannot follow its groups (grouped conv): its count only scales with its block. */
  readonly constant: boolean;
  readonly block: string | null;
}

/** A BatchNorm: its parameters scale with its group's kept units. */
export interface NormLayer {
  readonly module: string;
  readonly group: string;
  /** Learnable parameters per channel (2 with affine, else 0). */
  readonly paramsPerUnit: number;
  readonly block: string | null;
}

/** A residual block: z = relu(shortcut(x) + xi_B * branch(x)), removable as a layer. */
export interface ResidualSite {
  readonly id: string;
  readonly prunable: boolean;
  readonly fixedReason: string | null;
  /** The module that writes the branch output, if its parameters carry its output channels (an affine BatchNorm): the layer gate is folded into them. */
  readonly gateNorm: string | null;
  /** Counted layers and norms inside the branch. */
  readonly layers: readonly string[];
}

export interface StructureGraph {
  readonly groups: readonly UnitGroup[];
  readonly layers: readonly CountedLayer[];
  readonly norms: readonly NormLayer[];
  readonly blocks: readonly ResidualSite[];
  /** Parameters outside counted layers and norms (constant; scaled by their block when inside one). */
  readonly otherParams: readonly { readonly module: string; readonly params: number; readonly block: string | null }[];
  /** Exact totals of the current network. */
  readonly macs: number;
  readonly params: number;
}
