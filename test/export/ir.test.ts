// The export IR on networks the zoo does not cover: channel scales still attached to layers (read
// through the layers' effective parameters into the exported weights), a BatchNorm that cannot be folded (exported as its own op in ONNX and
// TF.js), and an operator export has no rule for (a clear error naming it and its module).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ort from 'onnxruntime-node';
import * as tf from '@tensorflow/tfjs';
import * as E from '../../src/engine/index.js';
import { createModel } from '../../src/models/index.js';
import { BatchNorm2d, Conv2d, Flatten, Linear, Module, ReLU, Sequential, scaleChannels } from '../../src/nn/index.js';
import { catrainLogits, exportGraph, irFromModule, maxAbsDifference, UnsupportedExportError, writeOnnx, writeTfjs, type ExportContract, type PixelBatch } from '../../src/export/index.js';

const contract = (model: string, inputShape: number[]): ExportContract => ({ model, inputShape, dataset: 'mnist', mean: [0.1307], std: [0.3081], classNames: [] });

function randomPixels(shape: [number, number, number, number]): PixelBatch {
  return { data: Float32Array.from(E.scope(() => E.rand(shape).data<'float32'>())), shape };
}

async function onnxOutput(bytes: Uint8Array, pixels: PixelBatch): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  const result = await session.run({ input: new ort.Tensor('float32', pixels.data, [...pixels.shape]) });
  await session.release();
  return result.logits?.data as Float32Array;
}

async function tfjsOutput(model: Module, c: ExportContract, pixels: PixelBatch): Promise<Float32Array> {
  const { modelJson, weightData } = writeTfjs(exportGraph(model, c), { metadata: {}, modelName: c.model, generatedBy: 'test' });
  const network = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: modelJson.modelTopology as unknown as tf.io.ModelArtifacts['modelTopology'], weightSpecs: modelJson.weightsManifest[0]?.weights ?? [], weightData: weightData.slice().buffer }),
  );
  const out = tf.tidy(() => (network.predict(tf.tensor(pixels.data, [...pixels.shape])) as tf.Tensor).dataSync() as Float32Array);
  network.dispose();
  return out;
}

test('input channel scales left on a conv and a linear layer are folded into the exported weights', async () => {
  E.manualSeed(5);
  const model = createModel('lenet5');
  const c = contract('lenet5', [1, 28, 28]);
  const pixels = randomPixels([3, 1, 28, 28]);
  const plain = catrainLogits(model, pixels, c);
  const convScale = E.rand([6]).add(0.5);
  const linearScale = E.rand([400]).add(0.5);
  const unscale = [scaleChannels(model.getSubmodule('3'), 'inputs', () => convScale), scaleChannels(model.getSubmodule('7'), 'inputs', () => linearScale)];
  try {
    const expected = catrainLogits(model, pixels, c);
    assert.ok(maxAbsDifference(plain, expected) > 1e-3, 'the scales change the output');
    const onnx = await onnxOutput(writeOnnx(exportGraph(model, c), { metadata: {}, graphName: 'scaled', producerVersion: 'test' }), pixels);
    assert.ok(maxAbsDifference(onnx, expected) <= 1e-4);
    assert.ok(maxAbsDifference(await tfjsOutput(model, c, pixels), expected) <= 1e-4);
  } finally {
    for (const remove of unscale) remove();
    model.dispose();
    convScale.dispose();
    linearScale.dispose();
  }
});

test('a BatchNorm after a ReLU stays a BatchNorm op, and both formats match catrain', async () => {
  E.manualSeed(6);
  const model = new Sequential(new Conv2d(1, 4, 3, { padding: 1, stride: 2 }), new ReLU(), new BatchNorm2d(4), new Flatten(), new Linear(4 * 14 * 14, 5));
  const bn = model.at(2) as BatchNorm2d;
  E.noGrad(() => {
    E.add_(bn.runningMean?.value as E.Tensor, 0.3);
    E.fill_(bn.runningVar?.value as E.Tensor, 2.5);
    E.fill_(bn.weight?.value as E.Tensor, 0.7);
  });
  const c = contract('custom', [1, 28, 28]);
  try {
    const graph = exportGraph(model, c);
    assert.deepEqual(graph.nodes.map((n) => n.op), ['normalize', 'conv', 'relu', 'batchnorm', 'flatten', 'linear']);
    const pixels = randomPixels([2, 1, 28, 28]);
    const expected = catrainLogits(model, pixels, c);
    const onnx = await onnxOutput(writeOnnx(graph, { metadata: {}, graphName: 'bn', producerVersion: 'test' }), pixels);
    assert.ok(maxAbsDifference(onnx, expected) <= 1e-4);
    assert.ok(maxAbsDifference(await tfjsOutput(model, c, pixels), expected) <= 1e-4);
  } finally {
    model.dispose();
  }
});

class SigmoidHead extends Module {
  readonly conv = this.registerModule('conv', new Conv2d(1, 2, 3));
  forward(x: E.Tensor): E.Tensor {
    return this.conv.call(x).sigmoid();
  }
}

test('an operator without an export rule is named in the error, with its module', () => {
  const model = new SigmoidHead();
  try {
    assert.throws(() => irFromModule(model, [1, 8, 8], { mean: [0], std: [1] }), (error: unknown) => {
      assert.ok(error instanceof UnsupportedExportError);
      assert.match(error.message, /cannot export aten::sigmoid/);
      assert.match(error.message, /supported: conv1d, conv2d, linear/);
      return true;
    });
  } finally {
    model.dispose();
  }
});
