// The latency cost (src/cat/latency.ts): the expected latency under independent gates has exact
// derivatives (a change of one theta moves it by exactly the derivative, as every term is affine in
// each theta), a profile that does not fit the file or the network is refused by name, and a CAT run
// with a latency budget resumes bit-identical from its checkpoint without the profile file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as E from '../../src/engine/index.js';
import { ALL_ON, buildStructureGraph, checkedLatencyProfile, expectedComplexity, GateState, latencyModel, parseCatState, unprofiledLayers, type LatencyProfile, type StructureGraph } from '../../src/cat/index.js';
import { LANDING_TOLERANCE } from '../../src/cat/landing.js';
import { resumeRun, trainRun } from '../../src/train/run.js';
import { catConfig, fastCat } from '../helpers/run-config.js';
import { syntheticDataset } from '../helpers/synthetic.js';
import { TinyResNet } from './nets.js';

/** A made-up profile for `graph`: distinct coefficients per layer, so a wrong term shows. */
function madeUpProfile(graph: StructureGraph): LatencyProfile {
  const layers = Object.fromEntries(
    graph.layers.map((l, i) => {
      const [a, b, c, d] = [1e-4 * (i + 1), 2e-3 / (i + 1), 1e-3 * (i % 3), 0.02 + 0.01 * i];
      return [l.module, { a, b, c, d, inWidth: 1, outWidth: 1, samples: [], rmsRelative: 0, maxRelative: 0 }];
    }),
  );
  const profile = { format: 1, model: 'tiny-resnet', runtime: 'libtorch', batch: 1, inputShape: [1, 12, 12], threads: 1, denseMs: 1, remainderMs: 0.05, layers, fit: { rmsRelative: 0, maxRelative: 0 }, created: '2026-12-04T00:00:00Z' } as const;
  const dense = expectedComplexity(graph, ALL_ON, latencyModel(profile)).latency as number;
  return { ...profile, denseMs: dense };
}

test('the expected latency moves by exactly its derivative when one unit or block theta changes', () => {
  E.manualSeed(0);
  const net = new TinyResNet(1, 4);
  const graph = E.noGrad(() => buildStructureGraph(net, [1, 12, 12]));
  const timing = latencyModel(madeUpProfile(graph));
  const gates = GateState.initial(graph, { units: true, layers: true, protect: [] });
  let seed = 1;
  const next = (): number => ((seed = (seed * 48271) % 2147483647) / 2147483647);
  for (const r of gates.groups.values()) r.theta = r.theta.map(() => next());
  for (const r of gates.blocks.values()) r.theta = [next()];
  const base = expectedComplexity(graph, gates, timing);
  assert.ok(base.latency !== undefined && base.dLatency !== undefined);
  let checked = 0;
  for (const [id, record] of gates.groups) {
    const before = record.theta[0] as number;
    record.theta[0] = before + 0.25;
    const moved = expectedComplexity(graph, gates, timing).latency as number;
    record.theta[0] = before;
    assert.ok(Math.abs(moved - base.latency - 0.25 * (base.dLatency.units.get(id) ?? 0)) < 1e-12, `unit gate of ${id}`);
    checked++;
  }
  for (const [id, record] of gates.blocks) {
    const before = record.theta[0] as number;
    record.theta[0] = 1;
    const moved = expectedComplexity(graph, gates, timing).latency as number;
    record.theta[0] = before;
    assert.ok(Math.abs(moved - base.latency - (1 - before) * (base.dLatency.blocks.get(id) ?? 0)) < 1e-12, `block gate of ${id}`);
    checked++;
  }
  assert.ok(checked >= 4);
  net.dispose();
});

test('a latency profile that is not one, or is of another network, is refused with what to do', () => {
  E.manualSeed(0);
  const net = new TinyResNet(1, 4);
  const graph = E.noGrad(() => buildStructureGraph(net, [1, 12, 12]));
  const profile = madeUpProfile(graph);
  assert.deepEqual(unprofiledLayers(graph, profile), []);
  const { [graph.layers[0]?.module as string]: _dropped, ...fewer } = profile.layers;
  assert.deepEqual(unprofiledLayers(graph, { ...profile, layers: fewer }), [graph.layers[0]?.module]);
  for (const [bad, message] of [
    [[], /f\.json: not a latency profile/],
    [{ ...profile, format: 2 }, /unknown format 2/],
    [{ ...profile, runtime: 'tvm' }, /unknown runtime "tvm"/],
    [{ ...profile, denseMs: -1 }, /denseMs must be a positive number/],
    [{ ...profile, layers: { conv1: { a: 1, b: 1, c: 1 } } }, /layer 'conv1' needs finite coefficients/],
  ] as const) assert.throws(() => checkedLatencyProfile(bad, 'f.json'), (e: Error) => message.test(e.message) && /catrain latency-profile/.test(e.message));
  net.dispose();
});

test('a CAT run with a latency budget lands on it, and resumes bit-identical without its profile file', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'catrain-latency-'));
  const network = (): { module: TinyResNet; inputShape: number[] } => {
    E.manualSeed(0);
    return { module: new TinyResNet(1, 4), inputShape: [1, 12, 12] };
  };
  try {
    const probe = network();
    const profile = madeUpProfile(E.noGrad(() => buildStructureGraph(probe.module, probe.inputShape)));
    probe.module.dispose();
    const file = path.join(root, 'profile.json');
    writeFileSync(file, JSON.stringify(profile));
    const targetLatency = 0.7 * profile.denseMs;
    const config = catConfig({ model: 'tiny-resnet (passed as a Module)', epochs: 5, cat: { ...fastCat, latencyProfile: file, targetLatency, flopsShare: 1, pruneBy: 0.5, settleFraction: 0.2 } });
    const datasets = { train: syntheticDataset(128, 3, 12), test: syntheticDataset(64, 4, 12) };
    const whole = path.join(root, 'whole');
    await trainRun(config, whole, { progress: false, datasets, network: network() });
    const summary = JSON.parse(readFileSync(path.join(whole, 'summary.json'), 'utf8')) as { baseline: { latency: number } };
    assert.ok(Math.abs(summary.baseline.latency - profile.denseMs) < 1e-12);
    const lastLine = readFileSync(path.join(whole, 'log.jsonl'), 'utf8').trim().split('\n').pop() as string;
    const landed = (JSON.parse(lastLine) as { latency_ms: number }).latency_ms;
    // The landing rule's documented band: at most the target, at most 3% under it.
    assert.ok(landed <= targetLatency && landed >= (1 - LANDING_TOLERANCE) * targetLatency, `landed at ${landed} ms for a ${targetLatency} ms target`);

    const split = path.join(root, 'split');
    const first = await trainRun(config, split, {
      progress: false,
      datasets,
      network: network(),
      onTrainer: (trainer, method) => {
        trainer.callbacks.push({ onBatchEnd: (run) => void (parseCatState(method.state()).history.length > 0 && (run.stopTraining = true)) });
      },
    });
    assert.equal(first.completed, false);
    rmSync(file);
    const resumed = await resumeRun(split, { progress: false, datasets, network: network() });
    assert.equal(resumed.completed, true);
    assert.deepEqual(readFileSync(path.join(split, 'model.safetensors')), readFileSync(path.join(whole, 'model.safetensors')));
    assert.deepEqual(readFileSync(path.join(split, 'architecture.json'), 'utf8'), readFileSync(path.join(whole, 'architecture.json'), 'utf8'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
