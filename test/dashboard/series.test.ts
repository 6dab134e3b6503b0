// The dashboard over a sequence run: its page counts sequences per second and links its data.json,
// which is served (and held to the same containment rule as the other run files); its report renders.
// An image run's page is as before.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDashboard, type Dashboard, type RunRow } from '../../src/dashboard/index.js';
import { trainRun } from '../../src/train/run.js';
import { catConfig, fastCat } from '../helpers/run-config.js';
import { syntheticSequences } from '../helpers/sequences.js';
import { rawRequest, writeHandRun } from './helpers.js';

let base: string;
let dashboard: Dashboard;

before(async () => {
  base = realpathSync(mkdtempSync(path.join(tmpdir(), 'catrain-dash-series-')));
  const root = path.join(base, 'runs');
  const datasets = { train: syntheticSequences(48, 1), test: syntheticSequences(24, 2) };
  await trainRun(catConfig({ model: 'lenet1d', data: 'synthetic-sequences', epochs: 4, cat: { ...fastCat, targetMacs: 0.5, pruneBy: 0.75 } }), path.join(root, 'seq'), { progress: false, datasets });
  writeHandRun(path.join(root, 'img'), { summary: { method: 'cat', test_acc: 91 } });
  // A sequence run whose data.json is a link out of the root.
  cpSync(path.join(root, 'seq'), path.join(root, 'leaky'), { recursive: true });
  writeFileSync(path.join(base, 'outside.json'), '{"kind": "sequence", "secret": true}');
  rmSync(path.join(root, 'leaky', 'data.json'));
  symlinkSync(path.join(base, 'outside.json'), path.join(root, 'leaky', 'data.json'));
  dashboard = await startDashboard({ runsDir: root, port: 0, onError: () => undefined });
});

after(async () => {
  await dashboard.close();
  rmSync(base, { recursive: true, force: true });
});

test('the run list knows which runs hold sequences', async () => {
  const response = await rawRequest(dashboard.port, '/api/runs');
  assert.equal(response.status, 200);
  const runs = (JSON.parse(response.body) as { runs: RunRow[] }).runs;
  assert.deepEqual(Object.fromEntries(runs.map((r) => [r.id, r.examples])), { img: 'images', leaky: 'sequences', seq: 'sequences' });
});

test('a sequence run\'s page counts sequences per second and links data.json; an image run\'s does not', async () => {
  const seq = await rawRequest(dashboard.port, '/run?id=seq');
  assert.equal(seq.status, 200);
  assert.ok(seq.body.includes('<th>Sequences/s</th>') && !seq.body.includes('Images/s'));
  assert.ok(seq.body.includes('name=data.json'));
  const img = await rawRequest(dashboard.port, '/run?id=img');
  assert.ok(img.body.includes('<th>Images/s</th>') && !img.body.includes('data.json'));
});

test('data.json is served for a sequence run, and only from inside the root', async () => {
  const data = await rawRequest(dashboard.port, '/run/file?id=seq&name=data.json');
  assert.equal(data.status, 200);
  assert.match(String(data.headers['content-type']), /^application\/json/);
  const record = JSON.parse(data.body) as { kind: string; channels: number; length: number; class_names: string[] };
  assert.deepEqual([record.kind, record.channels, record.length, record.class_names], ['sequence', 2, 32, ['class-0', 'class-1', 'class-2']]);
  assert.equal((await rawRequest(dashboard.port, '/run/file?id=img&name=data.json')).status, 404);
  const leaky = await rawRequest(dashboard.port, '/run/file?id=leaky&name=data.json');
  assert.equal(leaky.status, 404);
  assert.ok(!leaky.body.includes('secret'));
  // The report reads data.json too, so a link out of the root stops it as well.
  assert.equal((await rawRequest(dashboard.port, '/run/report?id=leaky')).status, 404);
});

test('a sequence run\'s report renders with its input in channels and time steps', async () => {
  const report = await rawRequest(dashboard.port, '/run/report?id=seq');
  assert.equal(report.status, 200);
  assert.ok(report.body.includes('input [2, 32] per example: 2 channels x 32 time steps'));
  assert.ok(report.body.includes('training sequences/s'));
});
