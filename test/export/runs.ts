// Finished run directories made without training, for the export tests: a zoo model with random
// weights (BatchNorm statistics and affine terms made non-trivial, so folding them is tested), a
// synthetic pruning history replayed on it, written by the same writers the trainer uses.
import * as E from '../../src/engine/index.js';
import { buildStructureGraph, describeArchitecture, replayHistory, type PruneEvent } from '../../src/cat/index.js';
import { loadDataset } from '../../src/data/index.js';
import { createModel, defaultInputShape } from '../../src/models/index.js';
import { BatchNorm, type Module } from '../../src/nn/index.js';
import { pixelBatch, type PixelBatch } from '../../src/export/index.js';
import { RunDirectory } from '../../src/train/run-dir.js';
import { catConfig } from '../helpers/run-config.js';

export { CIFAR10_DIR, HAVE_CIFAR10, NO_CIFAR10 } from '../helpers/shared-data.js';

/** ResNet-20 with block layer2.1 removed and units pruned in three blocks, at two steps. */
export const RESNET20_HISTORY: PruneEvent[] = [
  { step: 100, kind: 'block', block: 'layer2.1' },
  { step: 100, kind: 'units', group: 'layer1.0.conv1', keep: [0, 2, 3, 5, 7, 8, 11, 12, 15] },
  { step: 250, kind: 'units', group: 'layer3.1.conv1', keep: Array.from({ length: 40 }, (_, i) => i + (i >= 20 ? 17 : 3)) },
  { step: 250, kind: 'units', group: 'layer2.0.conv1', keep: [1, 4, 6, 9, 10, 13, 17, 20, 22, 25, 28, 31] },
];

/** LeNet-5 with conv filters and hidden units pruned. */
export const LENET5_HISTORY: PruneEvent[] = [
  { step: 50, kind: 'units', group: '3', keep: [0, 1, 2, 4, 6, 8, 9, 10, 13, 15] },
  { step: 50, kind: 'units', group: '7', keep: Array.from({ length: 70 }, (_, i) => i * 1 + (i >= 35 ? 50 : 0)) },
];

/** Replaces BatchNorm statistics and affine terms (1, 0 at init) with random ones. */
export function perturbBatchNorms(model: Module): void {
  E.noGrad(() =>
    E.scope(() => {
      const state = new Map<string, E.Tensor>();
      for (const [p, module] of model.namedModules()) {
        if (!(module instanceof BatchNorm)) continue;
        const key = (name: string): string => (p === '' ? name : `${p}.${name}`);
        const c = module.numFeatures;
        state.set(key('weight'), E.rand([c]).add(0.5));
        state.set(key('bias'), E.randn([c]).mul(0.2));
        state.set(key('running_mean'), E.randn([c]).mul(0.3));
        state.set(key('running_var'), E.rand([c]).mul(2).add(0.2));
      }
      for (const [k, v] of model.stateDict()) if (!state.has(k)) state.set(k, v);
      model.loadStateDict(state);
    }),
  );
}

/** Writes a finished run of `model` pruned by `history` into `dir` (config.json, model.safetensors, architecture.json). */
export function writePrunedRun(dir: string, model: string, data: string, history: readonly PruneEvent[], seed = 1): void {
  E.manualSeed(seed);
  const network = createModel(model);
  try {
    perturbBatchNorms(network);
    const inputShape = defaultInputShape(model);
    const dense = E.noGrad(() => buildStructureGraph(network, inputShape));
    replayHistory(network, inputShape, history);
    const graph = E.noGrad(() => buildStructureGraph(network, inputShape));
    const run = new RunDirectory(dir);
    run.createFresh();
    run.writeJson('config', catConfig({ model, data }));
    network.save(run.file('model'), { model });
    run.writeJson(
      'architecture',
      describeArchitecture({
        model, inputShape, numClasses: 10, inChannels: inputShape[0] as number, network, graph, history,
        initialWidths: Object.fromEntries(dense.groups.map((g) => [g.id, g.width])), initialBlocks: dense.blocks.map((b) => b.id),
      }),
    );
  } finally {
    network.dispose();
  }
}

/** The first `count` test images of a dataset spec, as pixel / 255 NCHW. */
export function testImages(spec: string, count: number): PixelBatch {
  return pixelBatch(loadDataset(spec, 'test'), count);
}
