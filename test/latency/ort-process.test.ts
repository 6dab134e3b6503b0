// onnxruntime timed in its own process (src/latency/ort-process.ts): a network exported as the
// runner exports it gives a positive median; a model the runtime cannot load is a clear error that
// leaves the process serving the next request; a closed process refuses at once, with no hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from '../../src/engine/index.js';
import { latencyRunner } from '../../src/latency/index.js';
import { OrtProcess } from '../../src/latency/ort-process.js';
import { createModel } from '../../src/models/index.js';

test('the onnxruntime runner times LeNet-5 in a child process, at the threads it is given', async () => {
  E.manualSeed(0);
  const model = createModel('lenet5', { numClasses: 10, inChannels: 1 });
  const runner = await latencyRunner('onnxruntime', 1);
  try {
    const ms = await runner.time(model, [1, 28, 28], 2, { minRuns: 5, minTotalMs: 20 });
    assert.ok(Number.isFinite(ms) && ms > 0 && ms < 1000, `median ${ms} ms`);
  } finally {
    runner.close();
    model.dispose();
  }
});

test('bytes that are not an ONNX model are refused by name, and the process goes on serving', async () => {
  const child = await OrtProcess.start();
  try {
    const request = { inputName: 'input', inputShape: [1, 28, 28], batch: 1, threads: 1, minRuns: 3, minTotalMs: 5 };
    await assert.rejects(child.time({ ...request, onnx: new Uint8Array([1, 2, 3, 4]) }), /onnxruntime could not run the network: /);
    E.manualSeed(0);
    const model = createModel('lenet5', { numClasses: 10, inChannels: 1 });
    const runner = await latencyRunner('onnxruntime', 1);
    try {
      // The same child answers a good model after the bad one.
      assert.ok((await runner.time(model, [1, 28, 28], 1, { minRuns: 3, minTotalMs: 5 })) > 0);
    } finally {
      runner.close();
      model.dispose();
    }
    await assert.rejects(child.time({ ...request, onnx: new Uint8Array(0) }), /onnxruntime could not run the network: /);
  } finally {
    child.close();
  }
  await assert.rejects(child.time({ inputName: 'input', inputShape: [1], batch: 1, threads: 1, onnx: new Uint8Array(0) }), /timing process was closed/);
});
