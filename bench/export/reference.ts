// Checks the three export formats of one finished run on real test images (a bench, not a test):
//   node dist/bench/export/reference.js --run DIR --out DIR [--count N]
// Writes DIR/onnx/model.onnx, DIR/tfjs/, DIR/torch/ (model.safetensors + architecture.json) and
// DIR/reference.safetensors (the pixel batch 'input' and catrain's 'logits'), and prints the largest
// |difference| between catrain's logits and onnxruntime-node's and @tensorflow/tfjs's.
// bench/export/check_torch.py then rebuilds the network in PyTorch from DIR/torch and compares too.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import ort from 'onnxruntime-node';
import * as tf from '@tensorflow/tfjs';
import * as E from '../../src/engine/index.js';
import { loadDataset } from '../../src/data/index.js';
import { catrainLogits, exportRun, maxAbsDifference, pixelBatch, type TfjsModelJson } from '../../src/export/index.js';
import { loadRunNetwork } from '../../src/train/load-run.js';

const { values } = parseArgs({ options: { run: { type: 'string' }, out: { type: 'string' }, count: { type: 'string', default: '500' } } });
if (values.run === undefined || values.out === undefined) throw new Error('usage: node dist/bench/export/reference.js --run DIR --out DIR [--count N]');
const run = values.run;
const out = values.out;
mkdirSync(out, { recursive: true });

const onnxFile = path.join(out, 'model.onnx');
const { contract } = exportRun(run, 'onnx', onnxFile, { overwrite: true });
exportRun(run, 'tfjs', path.join(out, 'tfjs'), { overwrite: true });
exportRun(run, 'safetensors', path.join(out, 'torch'), { overwrite: true });

const loaded = loadRunNetwork(run, { device: 'cpu' });
const images = pixelBatch(loadDataset(loaded.config.data, 'test', { imageSize: loaded.config.imageSize }), Number(values.count));
const expected = catrainLogits(loaded.model, images, contract);
loaded.model.dispose();
E.saveTensors(
  path.join(out, 'reference.safetensors'),
  { input: E.tensor(images.data, { shape: [...images.shape] }), logits: E.tensor(expected, { shape: [images.shape[0], expected.length / images.shape[0]] }) },
  { mean: JSON.stringify(contract.mean), std: JSON.stringify(contract.std), run },
);

const session = await ort.InferenceSession.create(onnxFile);
const onnx = (await session.run({ input: new ort.Tensor('float32', images.data, [...images.shape]) })).logits?.data as Float32Array;
await session.release();

const json = JSON.parse(readFileSync(path.join(out, 'tfjs', 'model.json'), 'utf8')) as TfjsModelJson;
const weights = readFileSync(path.join(out, 'tfjs', 'weights.bin'));
const network = await tf.loadLayersModel(
  tf.io.fromMemory({ modelTopology: json.modelTopology as unknown as tf.io.ModelArtifacts['modelTopology'], weightSpecs: json.weightsManifest[0]?.weights ?? [], weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) }),
);
const tfjs = tf.tidy(() => (network.predict(tf.tensor(images.data, [...images.shape])) as tf.Tensor).dataSync() as Float32Array);

const agree = (logits: Float32Array): number => {
  const k = logits.length / images.shape[0];
  let same = 0;
  for (let i = 0; i < images.shape[0]; i++) {
    const top = (a: ArrayLike<number>): number => Array.from({ length: k }, (_, j) => a[i * k + j] as number).reduce((best, v, j, all) => (v > (all[best] as number) ? j : best), 0);
    if (top(logits) === top(expected)) same++;
  }
  return same;
};
console.log(JSON.stringify({
  run, model: contract.model, images: images.shape[0],
  onnx_max_abs_diff: maxAbsDifference(onnx, expected), onnx_same_top1: agree(onnx),
  tfjs_max_abs_diff: maxAbsDifference(tfjs, expected), tfjs_same_top1: agree(tfjs),
  logits_max_abs: expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0),
}));
