// Parameter and MAC counts with the usual convention (docs/method.md section 3): every parameter counts;
// MACs count only conv and linear multiply-accumulates (no BN, bias, activation or pooling).
// Output sizes are measured, not derived: one forward of a batch of 1 under noGrad, in eval mode,
// with forward hooks recording each counted layer's output shape. CAT's expected-complexity formulas
// can reuse traceOutputShapes for the Ho x Wo of every conv.
import * as E from '../engine/index.js';
import { Convolution, Linear, type Module, type ModuleClass } from '../nn/index.js';

/** MACs of one forward of a layer, given its output shape for a batch of 1. */
export type MacFormula<M extends Module> = (module: M, outputShape: readonly number[]) => number;

const formulas = new Map<ModuleClass<Module>, MacFormula<Module>>();

/** Registers the MAC formula of a layer kind (subclasses inherit it). */
export function registerMacs<M extends Module>(kind: ModuleClass<M>, formula: MacFormula<M>): void {
  formulas.set(kind, formula as unknown as MacFormula<Module>);
}

function formulaFor(module: Module): MacFormula<Module> | undefined {
  for (let proto: unknown = Object.getPrototypeOf(module); proto !== null; proto = Object.getPrototypeOf(proto)) {
    const formula = formulas.get((proto as { constructor: ModuleClass<Module> }).constructor);
    if (formula !== undefined) return formula;
  }
  return undefined;
}

const product = (values: readonly number[]): number => values.reduce((a, b) => a * b, 1);

// Cout * Ho * Wo * (Cin / groups) * kh * kw in 2-d, Cout * Lo * (Cin / groups) * k in 1-d: every output
// position costs its full kernel, padded or not.
registerMacs(Convolution, (m, out) => product(out.slice(1)) * (m.inChannels / m.groups) * product(m.kernelSize));
// in * out for every row (leading dims other than the batch multiply).
registerMacs(Linear, (m, out) => product(out.slice(1, -1)) * m.inFeatures * m.outFeatures);

export interface LayerComplexity {
  /** Dotted module path, e.g. 'layer1.0.conv1'. */
  name: string;
  kind: string;
  /** The layer's own parameters (weight and bias). */
  params: number;
  macs: number;
  /** Output shape for a batch of 1. */
  outputShape: readonly number[];
}

export interface Complexity {
  params: number;
  macs: number;
  /** Every layer with a MAC formula, in module order. */
  layers: LayerComplexity[];
}

/** The number of parameter elements (all parameters, trainable or not). */
export function countParameters(model: Module): number {
  return model.parameters().reduce((total, p) => total + p.value.numel, 0);
}

/**
 * Runs one batch-1 forward of zeros with shape [1, ...inputShape] (on the model's device and dtype)
 * and returns the output shape of every module accepted by `select`. Training flags are restored,
 * and nothing is updated (eval mode: BatchNorm statistics stay as they were).
 */
export function traceOutputShapes(model: Module, inputShape: readonly number[], select: (m: Module) => boolean = () => true): Map<Module, readonly number[]> {
  const shapes = new Map<Module, readonly number[]>();
  const modes = model.modules().map((m) => [m, m.training] as const);
  const removers = model.modules().filter(select).map((m) => m.registerForwardHook((mod, _input, output) => void shapes.set(mod, [...output.shape])));
  const first = model.parameters()[0]?.value;
  try {
    model.eval();
    E.noGrad(() => E.scope(() => void model.call(E.zeros([1, ...inputShape], { dtype: first?.dtype ?? 'float32', device: first?.device ?? 'cpu' }))));
  } finally {
    for (const remove of removers) remove();
    // Pre-order: a parent's train() runs before its children restore their own flag.
    for (const [m, mode] of modes) m.train(mode);
  }
  return shapes;
}

/** Parameters and MACs of one example of shape `inputShape` (without the batch dim, e.g. [3, 32, 32]). */
export function countComplexity(model: Module, inputShape: readonly number[]): Complexity {
  const counted = new Set(model.modules().filter((m) => formulaFor(m) !== undefined));
  const shapes = traceOutputShapes(model, inputShape, (m) => counted.has(m));
  const layers: LayerComplexity[] = [];
  for (const [name, module] of model.namedModules()) {
    const formula = formulaFor(module);
    if (formula === undefined) continue;
    const outputShape = shapes.get(module);
    if (outputShape === undefined) {
      throw new Error(
        `countComplexity: ${module.kind} '${name}' did not run during the forward, so its MACs are unknown: ` +
          'composite modules must run their children with child.call(x) (which runs hooks), and unused layers should be removed',
      );
    }
    const params = [...module.ownTensors().parameters.values()].reduce((total, p) => total + p.value.numel, 0);
    layers.push({ name, kind: module.kind, params, macs: formula(module, outputShape), outputShape });
  }
  return { params: countParameters(model), macs: layers.reduce((total, l) => total + l.macs, 0), layers };
}
