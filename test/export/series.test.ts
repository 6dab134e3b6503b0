// Exports of pruned 1-d networks (resnet1d with a block removed and units pruned; fcn1d; lenet1d) load
// in onnxruntime-node and @tensorflow/tfjs and give catrain's logits for raw signals within 1e-4. The
// run's saved statistics (data.json) are applied inside the graph, and its class names are carried.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import * as tf from '@tensorflow/tfjs';
import * as E from '../../src/engine/index.js';
import { buildStructureGraph, describeArchitecture, replayHistory, type PruneEvent } from '../../src/cat/index.js';
import { catrainLogits, exportRun, maxAbsDifference, type InputBatch, type TfjsModelJson } from '../../src/export/index.js';
import { createModel } from '../../src/models/index.js';
import { loadRunNetwork } from '../../src/train/load-run.js';
import { RunDirectory } from '../../src/train/run-dir.js';
import type { RunData } from '../../src/train/run-data.js';
import { catConfig } from '../helpers/run-config.js';
import { perturbBatchNorms } from './runs.js';

const CHANNELS = 2;
const LENGTH = 48;
const CLASSES = ['healthy', 'imbalance', 'bearing'];
const NORMALIZATION = { mean: [0.25, -3], std: [2, 0.5] };

/** A pruning history for `model`: half the units of its first two wide groups, and its middle block if it has blocks. */
function historyFor(model: string): PruneEvent[] {
  const network = createModel(model, { numClasses: CLASSES.length, inChannels: CHANNELS, inputLength: LENGTH });
  try {
    const graph = E.noGrad(() => buildStructureGraph(network, [CHANNELS, LENGTH]));
    const units: PruneEvent[] = graph.groups
      .filter((g) => g.width >= 8)
      .slice(0, 2)
      .map((g) => ({ step: 10, kind: 'units', group: g.id, keep: Array.from({ length: Math.floor(g.width / 2) }, (_, i) => 2 * i + 1) }));
    const block = graph.blocks[1] ?? graph.blocks[0];
    return block === undefined ? units : [{ step: 10, kind: 'block', block: block.id }, ...units];
  } finally {
    network.dispose();
  }
}

/** A finished sequence run of `model` pruned by `history`: config.json, data.json, model.safetensors, architecture.json. */
function writeSeriesRun(dir: string, model: string, history: readonly PruneEvent[]): void {
  E.manualSeed(3);
  const inputShape = [CHANNELS, LENGTH];
  const network = createModel(model, { numClasses: CLASSES.length, inChannels: CHANNELS, inputLength: LENGTH });
  try {
    perturbBatchNorms(network);
    const dense = E.noGrad(() => buildStructureGraph(network, inputShape));
    replayHistory(network, inputShape, history);
    const graph = E.noGrad(() => buildStructureGraph(network, inputShape));
    const run = new RunDirectory(dir);
    run.createFresh();
    run.writeJson('config', catConfig({ model, data: 'ucr:/data/UCR/Vibration' }));
    const data: RunData = { kind: 'sequence', name: 'ucr:/data/UCR/Vibration', channels: CHANNELS, length: LENGTH, num_classes: CLASSES.length, class_names: CLASSES, normalization: NORMALIZATION };
    run.writeJson('data', data);
    network.save(run.file('model'), { model });
    run.writeJson(
      'architecture',
      describeArchitecture({
        model, inputShape, numClasses: CLASSES.length, inChannels: CHANNELS, network, graph, history,
        initialWidths: Object.fromEntries(dense.groups.map((g) => [g.id, g.width])), initialBlocks: dense.blocks.map((b) => b.id),
      }),
    );
  } finally {
    network.dispose();
  }
}

/** Raw signals around the saved statistics, so the in-graph normalisation matters. */
function rawSignals(count: number): InputBatch {
  const data = new Float32Array(count * CHANNELS * LENGTH);
  for (let i = 0; i < data.length; i++) {
    const c = Math.floor(i / LENGTH) % CHANNELS;
    const t = i % LENGTH;
    data[i] = (NORMALIZATION.mean[c] as number) + (NORMALIZATION.std[c] as number) * (Math.sin(0.37 * t + i * 0.011) + 0.3 * Math.cos(1.9 * t * (c + 1)));
  }
  return { data, shape: [count, CHANNELS, LENGTH] };
}

function referenceLogits(run: string, batch: InputBatch): Float32Array {
  const { model } = loadRunNetwork(run, { device: 'cpu' });
  try {
    return catrainLogits(model, batch, NORMALIZATION);
  } finally {
    model.dispose();
  }
}

async function onnxLogits(file: string, batch: InputBatch): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(file);
  try {
    const result = await session.run({ input: new ort.Tensor('float32', batch.data, [...batch.shape]) });
    assert.ok(result.logits !== undefined);
    return result.logits.data as Float32Array;
  } finally {
    await session.release();
  }
}

function tfjsHandler(dir: string): tf.io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8')) as TfjsModelJson;
      const group = json.weightsManifest[0];
      assert.ok(group !== undefined);
      const bytes = readFileSync(path.join(dir, group.paths[0] as string));
      return {
        modelTopology: json.modelTopology as unknown as tf.io.ModelArtifacts['modelTopology'],
        weightSpecs: group.weights,
        weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
      };
    },
  };
}

for (const model of ['resnet1d', 'fcn1d', 'lenet1d']) {
  test(`${model} (pruned): ONNX and TF.js exports give catrain's logits for raw signals within 1e-4`, async (t) => {
    const root = mkdtempSync(path.join(tmpdir(), `catrain-series-export-${model}-`));
    try {
      const run = path.join(root, 'run');
      const history = historyFor(model);
      writeSeriesRun(run, model, history);
      const batch = rawSignals(16);
      const expected = referenceLogits(run, batch);

      const onnxFile = path.join(root, `${model}.onnx`);
      const { contract } = exportRun(run, 'onnx', onnxFile);
      assert.deepEqual(contract.inputShape, [CHANNELS, LENGTH]);
      assert.deepEqual(contract.mean, NORMALIZATION.mean, 'the export normalises with the run\'s saved statistics');
      assert.deepEqual(contract.classNames, CLASSES);
      const onnxDifference = maxAbsDifference(await onnxLogits(onnxFile, batch), expected);
      assert.ok(onnxDifference <= 1e-4, `${model}: ONNX logits differ from catrain's by ${onnxDifference}`);

      const tfjsDir = path.join(root, `${model}-tfjs`);
      exportRun(run, 'tfjs', tfjsDir);
      const json = JSON.parse(readFileSync(path.join(tfjsDir, 'model.json'), 'utf8')) as TfjsModelJson;
      assert.ok(json.modelTopology.config.layers.some((l) => l.class_name === 'Conv1D'), 'the TF.js model is built of Conv1D layers');
      assert.equal(json.userDefinedMetadata.input_layout, 'NCL');
      const network = await tf.loadLayersModel(tfjsHandler(tfjsDir));
      try {
        const logits = tf.tidy(() => (network.predict(tf.tensor(batch.data, [...batch.shape])) as tf.Tensor).dataSync());
        const tfjsDifference = maxAbsDifference(logits, expected);
        assert.ok(tfjsDifference <= 1e-4, `${model}: TF.js logits differ from catrain's by ${tfjsDifference}`);
        t.diagnostic(`${model}: ${history.length} pruning events; max |difference| ONNX ${onnxDifference.toExponential(2)}, TF.js ${tfjsDifference.toExponential(2)}`);
      } finally {
        network.dispose();
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
}
