// Derives the structure graph from a traced forward (docs/method.md section 7): channel groups propagate
// through the ops (propagation.ts, by the rules of channel-rules.ts), a sum of two activations joins
// their groups (coupled by default: one gate and one slicing for all of them), and residual blocks
// are the modules nn knows as residual (residualOf) whose branch ran. No architecture and no layer
// class is named here.
import { canKeep, canScaleChannels, residualOf, traceForward, type Module, type Trace } from '../nn/index.js';
import { coupledGateSites, findGateSite, gateSitesOf } from './gate-sites.js';
import type { CountedLayer, GateSite, GraphOptions, NormLayer, ResidualSite, StructureGraph, UnitGroup } from './graph-types.js';
import { GroupPropagation, type GroupNode } from './propagation.js';

/** Joins a coupled group can be pruned through: a gate on every operand is a gate on the result. */
const SUMS = new Set(['add', 'add_', 'sub', 'sub_']);

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
export function buildStructureGraph(model: Module, inputShape: readonly number[], options: GraphOptions = {}): StructureGraph {
  return deriveStructure(model, traceForward(model, inputShape), options);
}

export function deriveStructure(model: Module, trace: Trace, options: GraphOptions = {}): StructureGraph {
  const coupling = options.residualChannels ?? 'coupled';
  const prop = new GroupPropagation(trace);
  prop.run();
  const modules = new Map(model.namedModules());
  const moduleOutput = new Map<number, string>();
  // A module that hands its input back (Identity) does not own that value: a hook on it would gate
  // only the readers of its return, not those that read the value directly.
  for (const event of trace.events) if (event.kind === 'module' && event.output !== event.input && !moduleOutput.has(event.output)) moduleOutput.set(event.output, event.path);
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
  const roots = new Map<number, GroupNode & { producers: string[]; producerValues: number[] }>();
  prop.nodes.forEach((node, index) => {
    const root = prop.find(index);
    let merged = roots.get(root);
    if (merged === undefined) {
      merged = { ...node, reasons: [], norms: [], consumers: [], joins: [], producers: [], producerValues: [] };
      roots.set(root, merged);
    }
    merged.reasons.push(...node.reasons);
    merged.norms.push(...node.norms);
    merged.consumers.push(...node.consumers);
    merged.joins.push(...node.joins);
    if (node.producer !== null && !merged.producers.includes(node.producer)) {
      merged.producers.push(node.producer);
      merged.producerValues.push(node.producerValue);
    }
  });

  const ids = new Map<number, string>();
  const groups: UnitGroup[] = [];
  let synthetic = 0;
  for (const [root, node] of roots) {
    const { producers } = node;
    const coupled = node.joins.length > 0;
    // A coupled group is named after a producer that no block removal takes away (the stem, a projection).
    const anchor = producers.find((p) => blockOf(p) === null) ?? producers[0];
    const id = anchor ?? (root === 0 ? 'input' : `fixed${synthetic++}`);
    ids.set(root, id);
    const reasons = [...new Set(node.reasons)];
    if (coupled && coupling === 'fixed') reasons.push('joined with another group by a residual sum (--residual-channels fixed)');
    for (const op of new Set(node.joins.map((j) => j.op))) if (!SUMS.has(op)) reasons.push(`joined with another group by ${op} of two activations, which catrain does not prune through`);
    if (coupling === 'fixed') {
      // Without coupled groups, shortcut projections are never pruned (docs/method.md section 2), so neither is what they read.
      const shortcut = node.consumers.find((c) => sites.some((site) => within(c.module, site.shortcut)));
      if (shortcut !== undefined) reasons.push(`read by the shortcut ${shortcut.module}`);
    }
    // Expected cost is multilinear in the gates only if no layer both reads and writes one group.
    const selfRead = node.consumers.find((c) => producers.includes(c.module));
    if (selfRead !== undefined) reasons.push(`${selfRead.module} both reads and writes it`);
    let gateSites: GateSite[] = [];
    if (reasons.length === 0 && producers.length > 0) {
      const readers = node.consumers.map((c) => c.input);
      const found = coupled
        ? coupledGateSites(prop, { producerValues: node.producerValues, readers, joins: node.joins }, moduleOutput, trace)
        : findGateSite(prop, node.producerValues[0] as number, readers, moduleOutput, trace);
      if (typeof found === 'string') reasons.push(found);
      else gateSites = gateSitesOf(Array.isArray(found) ? found : [found], node.consumers.every((c) => canScaleChannels(modules.get(c.module) as Module, 'inputs')));
    }
    if (reasons.length === 0) {
      for (const producer of producers) if (!canKeep(modules.get(producer) as Module, 'outputs')) reasons.push(`${producer} has no output surgery`);
      for (const c of node.consumers) if (!canKeep(modules.get(c.module) as Module, 'inputs')) reasons.push(`${c.module} has no input surgery`);
      for (const n of node.norms) if (!canKeep(modules.get(n) as Module, 'outputs')) reasons.push(`${n} has no surgery`);
      if (node.consumers.length === 0) reasons.push('no layer reads it');
    }
    if (reasons.length === 0 && producers.length === 0) reasons.push('no layer writes it');
    const prunable = reasons.length === 0;
    groups.push({
      id,
      width: node.width,
      prunable,
      fixedReason: prunable ? null : reasons.join('; '),
      producers,
      norms: [...new Set(node.norms)],
      consumers: node.consumers.map((c) => ({ module: c.module, expand: c.expand })),
      gateSites: prunable ? gateSites : [],
      coupled,
      block: coupled || anchor === undefined ? null : blockOf(anchor),
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

