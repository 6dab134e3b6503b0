// Derives the structure graph from a traced forward (docs/method.md section 7): channel groups propagate
// through the ops (propagation.ts, by the rules of channel-rules.ts), a sum of two activations joins
// their groups, and residual blocks are the modules nn knows as residual (residualOf) whose branch
// ran. No architecture and no layer class is named here.
import { canKeep, canScaleChannels, residualOf, traceForward, type Module, type Trace } from '../nn/index.js';
import type { CountedLayer, NormLayer, ResidualSite, StructureGraph, UnitGroup } from './graph-types.js';
import { GroupPropagation, lineage, type GroupNode } from './propagation.js';

interface BlockSite {
  id: string;
  /** Module paths of the branch's modules. */
  prefixes: string[];
  /** Module path of the shortcut. */
  shortcut: string;
}

function blockSites(model: Module, trace: Trace): BlockSite[] {
  const ran = new Set(trace.events.filter((e) => e.kind === 'module').map((e) => e.path));
  const sites: BlockSite[] = [];
  const join = (path: string, name: string): string => (path === '' ? name : `${path}.${name}`);
  for (const [path, module] of model.namedModules()) {
    const residual = residualOf(module);
    if (residual === undefined || !ran.has(path)) continue;
    sites.push({ id: path, prefixes: residual.branchNames.map((name) => join(path, name)), shortcut: join(path, residual.shortcutName) });
  }
  return sites;
}

const within = (path: string, prefix: string): boolean => path === prefix || path.startsWith(`${prefix}.`);

/** Traces the model and derives its structure graph. */
export function buildStructureGraph(model: Module, inputShape: readonly number[]): StructureGraph {
  return deriveStructure(model, traceForward(model, inputShape));
}

export function deriveStructure(model: Module, trace: Trace): StructureGraph {
  const prop = new GroupPropagation(trace);
  prop.run();
  const modules = new Map(model.namedModules());
  const moduleOutput = new Map<number, string>();
  for (const event of trace.events) if (event.kind === 'module' && !moduleOutput.has(event.output)) moduleOutput.set(event.output, event.path);
  const sites = blockSites(model, trace);
  const blockOf = (path: string): string | null => {
    let best: { id: string; length: number } | null = null;
    for (const site of sites) {
      for (const prefix of site.prefixes) {
        if (within(path, prefix) && (best === null || prefix.length > best.length)) best = { id: site.id, length: prefix.length };
      }
    }
    return best?.id ?? null;
  };

  // Merge every node's facts into its root.
  const roots = new Map<number, GroupNode & { producers: Set<string>; producerValues: number[] }>();
  prop.nodes.forEach((node, index) => {
    const root = prop.find(index);
    let merged = roots.get(root);
    if (merged === undefined) {
      merged = { ...node, reasons: [], norms: [], consumers: [], producers: new Set(), producerValues: [] };
      roots.set(root, merged);
    }
    merged.reasons.push(...node.reasons);
    merged.norms.push(...node.norms);
    merged.consumers.push(...node.consumers);
    if (node.producer !== null) {
      merged.producers.add(node.producer);
      merged.producerValues.push(node.producerValue);
    }
  });

  const ids = new Map<number, string>();
  const groups: UnitGroup[] = [];
  let synthetic = 0;
  for (const [root, node] of roots) {
    const producers = [...node.producers];
    const id = producers.length === 1 ? (producers[0] as string) : producers.length === 0 ? (root === 0 ? 'input' : `fixed${synthetic++}`) : producers.join('+');
    ids.set(root, id);
    const reasons = [...new Set(node.reasons)];
    // Shortcut projections are never pruned (docs/method.md section 2), so neither is what they read.
    const shortcut = node.consumers.find((c) => sites.some((site) => within(c.module, site.shortcut)));
    if (shortcut !== undefined) reasons.push(`read by the shortcut ${shortcut.module}`);
    let gateSite: string | null = null;
    let gateRank = 0;
    let gateFolded = false;
    const producer = producers.length === 1 ? (producers[0] as string) : null;
    if (reasons.length === 0 && producer !== null) {
      const found = findGateSite(prop, node.producerValues[0] as number, node.consumers.map((c) => c.input), moduleOutput, trace);
      if (typeof found === 'string') reasons.push(found);
      else ({ site: gateSite, rank: gateRank, folded: gateFolded } = found);
    }
    if (reasons.length === 0) {
      const producerModule = modules.get(producer ?? '');
      if (producerModule === undefined || !canKeep(producerModule, 'outputs')) reasons.push(`${producer} has no output surgery`);
      for (const c of node.consumers) if (!canKeep(modules.get(c.module) as Module, 'inputs')) reasons.push(`${c.module} has no input surgery`);
      for (const n of node.norms) if (!canKeep(modules.get(n) as Module, 'outputs')) reasons.push(`${n} has no surgery`);
      if (node.consumers.length === 0) reasons.push('no layer reads it');
    }
    const prunable = reasons.length === 0;
    groups.push({
      id,
      width: node.width,
      prunable,
      fixedReason: prunable ? null : reasons.join('; '),
      producer,
      norms: [...new Set(node.norms)],
      consumers: node.consumers.map((c) => ({ module: c.module, expand: c.expand })),
      gateSite: prunable ? gateSite : null,
      gateRank: prunable ? gateRank : 0,
      // Folded only where every consumer's weights carry its input channels.
      gateFolded: prunable && gateFolded && node.consumers.every((c) => canScaleChannels(modules.get(c.module) as Module, 'inputs')),
      block: producer === null ? null : blockOf(producer),
    });
  }
  const groupId = (node: number): string => ids.get(prop.find(node)) as string;

  const layers: CountedLayer[] = prop.layers.map((l) => ({
    module: l.module,
    op: l.op,
    inGroup: groupId(l.inNode),
    outGroup: groupId(l.outNode),
    inExpand: l.inExpand,
    macsPerPair: l.macsPerPair,
    weightsPerPair: l.weightsPerPair,
    biasPerUnit: l.biasPerUnit,
    macs: l.macs,
    params: l.params,
    constant: l.constant,
    block: blockOf(l.module),
  }));
  const norms: NormLayer[] = [];
  for (const group of groups) {
    for (const path of group.norms) {
      const norm = modules.get(path) as Module;
      norms.push({ module: path, group: group.id, paramsPerUnit: norm.ownTensors().parameters.size, block: blockOf(path) });
    }
  }
  const accounted = new Set([...layers.map((l) => l.module), ...norms.map((n) => n.module)]);
  const otherParams = model
    .namedModules()
    .filter(([path]) => !accounted.has(path))
    .map(([path, m]) => ({ module: path, params: [...m.ownTensors().parameters.values()].reduce((t, p) => t + p.value.numel, 0), block: blockOf(path) }))
    .filter((entry) => entry.params > 0);
  const blocks: ResidualSite[] = sites.filter((site) => site.prefixes.length > 0).map((site) => ({
    id: site.id,
    prunable: true,
    fixedReason: null,
    gateNorm: branchOutputNorm(site, trace, moduleOutput, modules),
    layers: [...layers.filter((l) => l.block === site.id).map((l) => l.module), ...norms.filter((n) => n.block === site.id).map((n) => n.module)],
  }));
  const params = model.parameters().reduce((t, p) => t + p.value.numel, 0);
  return { groups, layers, norms, blocks, otherParams, macs: layers.reduce((t, l) => t + l.macs, 0), params };
}

/**
 * The module whose output is the branch output that the residual sum reads, if its parameters carry
 * its output channels (an affine BatchNorm): the layer gate then scales those instead of the activation.
 */
function branchOutputNorm(site: BlockSite, trace: Trace, moduleOutput: ReadonlyMap<number, string>, modules: ReadonlyMap<string, Module>): string | null {
  for (const event of trace.events) {
    if (event.kind !== 'op' || (event.name !== 'add' && event.name !== 'add_')) continue;
    for (const input of event.inputs) {
      const path = moduleOutput.get(input);
      if (path === undefined || !site.prefixes.some((prefix) => within(path, prefix))) continue;
      const norm = modules.get(path);
      return norm !== undefined && canScaleChannels(norm, 'outputs') ? path : null;
    }
  }
  return null;
}

/**
 * Where a group's unit gate goes: the latest module output on the path every consumer reads, after
 * the last op that does not keep zero at zero (BatchNorm), so a 0 gate gives the consumers exact zeros
 * (docs/method.md section 2). Returns a reason string when there is no such place.
 */
function findGateSite(
  prop: GroupPropagation,
  producerValue: number,
  consumerInputs: readonly number[],
  moduleOutput: ReadonlyMap<number, string>,
  trace: Trace,
): { site: string; rank: number; folded: boolean } | string {
  if (consumerInputs.length === 0) return 'no layer reads it';
  const chains = consumerInputs.map((v) => lineage(prop, v));
  if (chains.some((chain) => chain[0]?.value !== producerValue)) return 'a consumer reads it through an op catrain does not follow';
  const first = chains[0] as { value: number; zero: boolean }[];
  const common = first.filter((entry) => chains.every((chain) => chain.some((e) => e.value === entry.value)));
  let lastNonZero = 0;
  common.forEach((entry, i) => {
    if (!entry.zero) lastNonZero = i;
  });
  for (let i = common.length - 1; i >= lastNonZero; i--) {
    const entry = common[i] as { value: number; zero: boolean };
    const site = moduleOutput.get(entry.value);
    const rank = trace.values[entry.value]?.shape.length ?? 0;
    if (site !== undefined && prop.flow.get(entry.value)?.expand === 1 && (rank === 2 || rank === 4)) {
      // Only linear ops between the site and every consumer: the gate can scale the consumers' weights.
      const folded = chains.every((chain) => chain.slice(chain.findIndex((e) => e.value === entry.value) + 1).every((e) => e.linear));
      return { site, rank, folded };
    }
  }
  return 'no module output to attach its gate to after its last normalisation (run the nonlinearity as a module, e.g. nn.ReLU)';
}
