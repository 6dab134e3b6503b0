// TF.js layers exports load in @tensorflow/tfjs from their files (model.json + weights.bin) and give
// catrain's logits for the NCHW [0, 1] input of the contract (within 1e-4), for a pruned lenet5 and a
// pruned ResNet-20 with a removed block.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { catrainLogits, exportRun, maxAbsDifference, TFJS_WEIGHTS_FILE, type PixelBatch, type TfjsModelJson } from '../../src/export/index.js';
import { loadRunNetwork } from '../../src/train/load-run.js';
import { CIFAR10_DIR, LENET5_HISTORY, NO_CIFAR10, RESNET20_HISTORY, testImages, writePrunedRun } from './runs.js';

/** Reads an exported folder the way a deployer's loader would: model.json, then the shard it names. */
function folderHandler(dir: string): tf.io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8')) as TfjsModelJson;
      const group = json.weightsManifest[0];
      assert.ok(group !== undefined && group.paths.length === 1);
      const bytes = readFileSync(path.join(dir, group.paths[0] as string));
      return {
        modelTopology: json.modelTopology as unknown as tf.io.ModelArtifacts['modelTopology'],
        weightSpecs: group.weights,
        weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
        userDefinedMetadata: json.userDefinedMetadata as Record<string, never>,
      };
    },
  };
}

async function checkExport(note: (message: string) => void, root: string, model: string, data: string, history: Parameters<typeof writePrunedRun>[3], images: PixelBatch): Promise<TfjsModelJson> {
  const run = path.join(root, model);
  writePrunedRun(run, model, data, history);
  const out = path.join(root, `${model}-tfjs`);
  const { contract, files } = exportRun(run, 'tfjs', out);
  assert.deepEqual(files, [path.join(out, 'model.json'), path.join(out, TFJS_WEIGHTS_FILE)]);
  const loaded = loadRunNetwork(run, { device: 'cpu' });
  const expected = catrainLogits(loaded.model, images, contract);
  loaded.model.dispose();
  const network = await tf.loadLayersModel(folderHandler(out));
  try {
    assert.deepEqual(network.inputs[0]?.shape, [null, ...contract.inputShape]);
    const logits = tf.tidy(() => (network.predict(tf.tensor(images.data, [...images.shape])) as tf.Tensor).dataSync());
    assert.equal(logits.length, images.shape[0] * 10);
    const difference = maxAbsDifference(logits, expected);
    assert.ok(difference <= 1e-4, `${model}: TF.js logits differ from catrain's by ${difference}`);
    note(`${model}: TF.js max |difference| ${difference.toExponential(2)} over ${images.shape[0]} test images`);
  } finally {
    network.dispose();
  }
  return JSON.parse(readFileSync(path.join(out, 'model.json'), 'utf8')) as TfjsModelJson;
}

const layerClasses = (json: TfjsModelJson): string[] => json.modelTopology.config.layers.map((l) => l.class_name);

test('lenet5 (pruned) on MNIST test images: TF.js matches catrain within 1e-4', async (t) => {
  const root = mkdtempSync(path.join(tmpdir(), 'catrain-tfjs-'));
  try {
    const json = await checkExport((m) => t.diagnostic(m), root, 'lenet5', 'mnist', LENET5_HISTORY, testImages('mnist', 64));
    assert.deepEqual(layerClasses(json).slice(0, 3), ['InputLayer', 'Permute', 'DepthwiseConv2D']);
    assert.equal(json.userDefinedMetadata.input_layout, 'NCHW');
    const kernel = json.weightsManifest[0]?.weights.find((w) => w.name.endsWith('/kernel') && w.shape.length === 4 && w.shape[3] === 10);
    assert.deepEqual(kernel?.shape, [5, 5, 6, 10], 'the pruned conv keeps 10 filters, in Keras layout');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('pruned ResNet-20 with a removed block on CIFAR-10 test images: TF.js matches catrain within 1e-4', { skip: NO_CIFAR10 }, async (t) => {
  const root = mkdtempSync(path.join(tmpdir(), 'catrain-tfjs-'));
  try {
    const json = await checkExport((m) => t.diagnostic(m), root, 'resnet20', `cifar10:${CIFAR10_DIR}`, RESNET20_HISTORY, testImages(`cifar10:${CIFAR10_DIR}`, 32));
    const classes = layerClasses(json);
    // Nine blocks, one removed: eight residual sums.
    assert.equal(classes.filter((c) => c === 'Add').length, 8);
    assert.ok(!classes.includes('BatchNormalization'), 'BatchNorms are folded into the convs');
    assert.ok(!json.modelTopology.config.layers.some((l) => l.name.startsWith('layer2_1_conv')), 'the removed block has no layers');
    const shapes = Object.fromEntries((json.weightsManifest[0]?.weights ?? []).map((w) => [w.name, w.shape]));
    assert.deepEqual(shapes['layer3_1_conv1/kernel'], [3, 3, 64, 40]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
