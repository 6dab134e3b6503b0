// ONNX exports of finished runs load in onnxruntime-node and give catrain's logits on real test
// images (within 1e-4), for any batch size; the pruned widths and the removed block are what is exported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { catrainLogits, exportRun, maxAbsDifference, ONNX_OPSET, type PixelBatch } from '../../src/export/index.js';
import { loadRunNetwork } from '../../src/train/load-run.js';
import { CIFAR10_DIR, LENET5_HISTORY, NO_CIFAR10, RESNET20_HISTORY, testImages, writePrunedRun } from './runs.js';

async function onnxLogits(file: string, batch: PixelBatch): Promise<{ logits: Float32Array; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(file);
  try {
    const result = await session.run({ input: new ort.Tensor('float32', batch.data, [...batch.shape]) });
    const logits = result.logits;
    assert.ok(logits !== undefined, 'the model has an output named logits');
    return { logits: logits.data as Float32Array, dims: logits.dims };
  } finally {
    await session.release();
  }
}

function referenceLogits(run: string, batch: PixelBatch, mean: readonly number[], std: readonly number[]): Float32Array {
  const { model } = loadRunNetwork(run, { device: 'cpu' });
  try {
    return catrainLogits(model, batch, { mean, std });
  } finally {
    model.dispose();
  }
}

async function checkExport(note: (message: string) => void, root: string, model: string, data: string, history: Parameters<typeof writePrunedRun>[3], images: PixelBatch): Promise<onnxProto.onnx.ModelProto> {
  const run = path.join(root, model);
  writePrunedRun(run, model, data, history);
  const out = path.join(root, `${model}.onnx`);
  const { contract } = exportRun(run, 'onnx', out);
  const expected = referenceLogits(run, images, contract.mean, contract.std);
  const { logits, dims } = await onnxLogits(out, images);
  assert.deepEqual(dims, [images.shape[0], 10]);
  const difference = maxAbsDifference(logits, expected);
  assert.ok(difference <= 1e-4, `${model}: ONNX logits differ from catrain's by ${difference}`);
  // The batch dimension is symbolic: a batch of one gives the first row.
  const [, c, h, w] = images.shape;
  const one = await onnxLogits(out, { data: images.data.slice(0, c * h * w), shape: [1, c, h, w] });
  assert.ok(maxAbsDifference(one.logits, expected.slice(0, 10)) <= 1e-4);
  note(`${model}: ONNX max |difference| ${difference.toExponential(2)} over ${images.shape[0]} test images`);
  return onnxProto.onnx.ModelProto.decode(readFileSync(out));
}

test('lenet5 (pruned) on MNIST test images: ONNX matches catrain within 1e-4 and carries the contract', async (t) => {
  const root = mkdtempSync(path.join(tmpdir(), 'catrain-onnx-'));
  try {
    const proto = await checkExport((m) => t.diagnostic(m), root, 'lenet5', 'mnist', LENET5_HISTORY, testImages('mnist', 64));
    assert.equal(Number(proto.opsetImport[0]?.version), ONNX_OPSET);
    const meta = Object.fromEntries(proto.metadataProps.map((p) => [p.key, p.value]));
    assert.equal(meta.input_name, 'input');
    assert.equal(meta.input_layout, 'NCHW');
    assert.deepEqual(JSON.parse(meta.input_shape ?? ''), ['N', 1, 28, 28]);
    assert.deepEqual(JSON.parse(meta.class_names ?? ''), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const input = proto.graph?.input?.[0]?.type?.tensorType?.shape?.dim ?? [];
    assert.equal(input[0]?.dimParam, 'N');
    const shapes = Object.fromEntries((proto.graph?.initializer ?? []).map((t) => [t.name, (t.dims ?? []).map(Number)]));
    assert.deepEqual(shapes['3.weight'], [10, 6, 5, 5]);
    assert.deepEqual(shapes['7.weight'], [70, 250]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('pruned ResNet-20 with a removed block on CIFAR-10 test images: ONNX matches catrain within 1e-4', { skip: NO_CIFAR10 }, async (t) => {
  const root = mkdtempSync(path.join(tmpdir(), 'catrain-onnx-'));
  try {
    const proto = await checkExport((m) => t.diagnostic(m), root, 'resnet20', `cifar10:${CIFAR10_DIR}`, RESNET20_HISTORY, testImages(`cifar10:${CIFAR10_DIR}`, 32));
    const shapes = Object.fromEntries((proto.graph?.initializer ?? []).map((t) => [t.name, (t.dims ?? []).map(Number)]));
    assert.deepEqual(shapes['layer3.1.conv1.weight'], [40, 64, 3, 3]);
    assert.deepEqual(shapes['layer3.1.conv2.weight'], [64, 40, 3, 3]);
    assert.deepEqual(shapes['layer1.0.conv1.weight'], [9, 16, 3, 3]);
    assert.equal(shapes['layer2.1.conv1.weight'], undefined, 'the removed block has no weights');
    assert.equal(Object.keys(shapes).filter((k) => k.endsWith('.weight') && k.startsWith('layer')).length, 8 * 2 + 2);
    // BatchNorms are folded into the convs: no BatchNormalization node is left.
    assert.ok(!(proto.graph?.node ?? []).some((n) => n.opType === 'BatchNormalization'));
    const meta = Object.fromEntries(proto.metadataProps.map((p) => [p.key, p.value]));
    assert.equal(JSON.parse(meta.class_names ?? '[]')[0], 'airplane');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
