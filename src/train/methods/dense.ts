// Dense training: the method that adds nothing to a step. It still reports the network's (constant)
// size in the log, as CAT does, and describes the architecture at the end, so every run directory
// has the same files and fields.
import * as E from '../../engine/index.js';
import { architectureCounts, buildStructureGraph, describeArchitecture } from '../../cat/index.js';
import type { MethodContext, MethodKind, MethodOutcome, TrainingMethod } from '../method.js';

class DenseMethod implements TrainingMethod<undefined> {
  readonly name = 'dense';
  private readonly size: { macs: number; params: number };

  constructor(private readonly context: MethodContext) {
    const graph = E.noGrad(() => buildStructureGraph(context.model, context.inputShape));
    this.size = { macs: graph.macs, params: graph.params };
  }

  callbacks(): [] {
    return [];
  }

  state(): undefined {
    return undefined;
  }

  status(): undefined {
    return undefined;
  }

  epochFields(): Record<string, unknown> {
    const { macs, params } = this.size;
    return { macs, params, expected_macs: macs, expected_params: params, macs_fraction: 1 };
  }

  finish(): { changed: boolean } {
    return { changed: false };
  }

  outcome(): MethodOutcome {
    const { model, inputShape, modelName, numClasses, inChannels } = this.context;
    const graph = E.noGrad(() => buildStructureGraph(model, inputShape));
    const architecture = describeArchitecture({ model: modelName, inputShape, numClasses, inChannels, network: model, graph, history: [], initialWidths: {}, initialBlocks: graph.blocks.map((b) => b.id) });
    return { method: this.name, baseline: this.size, ...architectureCounts(architecture), gatesNonBinary: 0, gatesRounded: 0, gatesInterior: 0, architecture };
  }

  dispose(): void {}
}

export const denseMethod: MethodKind<undefined> = {
  key: 'dense',
  parseState: () => undefined,
  restoreStructure: () => false,
  create: (context) => new DenseMethod(context),
};
