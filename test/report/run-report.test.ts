// The run report of a CAT run (with residual blocks) and of a dense run: one self-contained page with
// the vega libraries inlined, the run's data in the chart specs, no network references, and the CAT
// panels only where the run has them. Also the gate sample the CAT log carries for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { renderRunReport } from '../../src/report/index.js';
import { RunDirectoryError } from '../../src/train/run-dir.js';
import { trainRun } from '../../src/train/run.js';
import { GATE_SAMPLE_LIMITS } from '../../src/cat/gate-sample.js';
import { TinyResNet } from '../cat/nets.js';
import { catConfig, fastCat } from '../helpers/run-config.js';
import { syntheticDataset } from '../helpers/synthetic.js';

const root = mkdtempSync(path.join(tmpdir(), 'catrain-report-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));

const readLog = (dir: string): Record<string, unknown>[] =>
  readFileSync(path.join(dir, 'log.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);

/** The chart specs the page draws, parsed back from its JSON script element. */
function specsOf(html: string): Record<string, { title: string; data: { values: Record<string, unknown>[] } }> {
  const match = /<script type="application\/json" id="report-specs">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(match !== null, 'the page carries its chart specs');
  return JSON.parse(match[1] as string) as Record<string, { title: string; data: { values: Record<string, unknown>[] } }>;
}

function assertSelfContained(html: string): void {
  assert.ok(html.startsWith('<!DOCTYPE html>'));
  for (const library of ['vega', 'vega-lite', 'vega-embed']) assert.ok(html.includes(`<script data-library="${library}">`), `${library} inlined`);
  // Each bundle defines its global; the page calls vegaEmbed.
  assert.ok(html.includes('vegaEmbed') && html.includes('vegaLite'));
  assert.ok(html.length > 500_000, `the libraries are inlined whole (${html.length} characters)`);
  // (Checked with test(), not match(): a failure would otherwise print the whole page.)
  assert.ok(!/<script[^>]*\ssrc=/i.test(html), 'no script is fetched');
  assert.ok(!/<link[^>]*href=["']?https?:/i.test(html), 'no stylesheet is fetched');
  assert.ok(!html.includes('sourceMappingURL='), 'no source map is referenced');
  // Only the inlined libraries' own </script> (escaped) could end a script early.
  const scripts = html.match(/<script/g)?.length ?? 0;
  assert.equal(scripts, (html.match(/<\/script>/g)?.length ?? 0));
}

test('the report of a CAT run with residual blocks shows every panel with the run\'s data', async () => {
  const dir = path.join(root, 'cat');
  const datasets = { train: syntheticDataset(96, 1, 12), test: syntheticDataset(48, 2, 12) };
  const config = catConfig({ model: 'tiny-resnet', epochs: 4, cat: { ...fastCat, strength: 40 } });
  await trainRun(config, dir, { progress: false, datasets, network: { module: new TinyResNet(1, 4), inputShape: [1, 12, 12] } });

  const log = readLog(dir);
  const sample = log[0]?.gate_sample as Record<string, number>;
  const keys = Object.keys(sample);
  assert.ok(keys.some((k) => k.startsWith('block:')) && keys.some((k) => k.startsWith('unit:')), keys.join(' '));
  assert.ok(keys.length <= GATE_SAMPLE_LIMITS.groups * GATE_SAMPLE_LIMITS.unitsPerGroup + GATE_SAMPLE_LIMITS.blocks);
  assert.deepEqual(log.map((r) => Object.keys(r.gate_sample as object)), log.map(() => keys), 'every epoch samples the same gates');
  assert.ok(Object.values(sample).every((t) => t >= 0 && t <= 1));

  const html = renderRunReport(dir);
  assertSelfContained(html);
  const specs = Object.values(specsOf(html));
  const titles = specs.map((s) => s.title);
  assert.deepEqual(titles, [
    'Accuracy and MACs kept per epoch',
    'Width timeline: units alive per layer, and residual blocks kept',
    'Gate probabilities of a sample of gates',
    'Epoch time against network size',
  ]);
  const [accuracy, width, gates, time] = specs as [(typeof specs)[number], (typeof specs)[number], (typeof specs)[number], (typeof specs)[number]];
  assert.deepEqual(accuracy.data.values.filter((v) => v.series === 'test top-1 accuracy').map((v) => v.percent), log.map((r) => r.test_acc));
  assert.ok(accuracy.data.values.some((v) => v.series === 'MACs kept (of dense)'));
  const summary = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as { blocks_removed: number };
  const finalBlocks = width.data.values.filter((v) => v.column === 'final' && String(v.row).startsWith('block '));
  assert.equal(finalBlocks.length, 3);
  assert.equal(finalBlocks.filter((v) => v.removed === true).length, summary.blocks_removed);
  assert.equal(gates.data.values.length, keys.length * log.length);
  assert.equal(time.data.values.length, log.length);
  assert.ok(html.includes('<h2>Final architecture</h2>'));
  assert.ok(/blocks: \d of 3 kept/.test(html));
  assert.ok(!html.includes('dense run'));
});

test('a CAT log without gate_sample (an older run) renders, saying the gate panel is missing', async () => {
  const dir = path.join(root, 'cat-old');
  cpSync(path.join(root, 'cat'), dir, { recursive: true });
  const stripped = readLog(dir).map(({ gate_sample: _dropped, ...rest }) => JSON.stringify(rest));
  writeFileSync(path.join(dir, 'log.jsonl'), `${stripped.join('\n')}\n`);
  // Older configs have no trainSubset either.
  const { trainSubset: _absent, ...olderConfig } = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(olderConfig));
  const html = renderRunReport(dir);
  assertSelfContained(html);
  assert.ok(html.includes('no gate_sample (it was written by an older catrain)'));
  assert.ok(!html.includes('first undefined'), 'an older run without trainSubset is not described as a subset');
  assert.ok(!Object.values(specsOf(html)).some((s) => s.title.startsWith('Gate probabilities')));
  assert.ok(Object.values(specsOf(html)).some((s) => s.title.startsWith('Width timeline')));
});

test('the report of a dense run has no CAT panels and says why', async () => {
  const dir = path.join(root, 'dense');
  const datasets = { train: syntheticDataset(64, 3), test: syntheticDataset(32, 4) };
  await trainRun(catConfig({ epochs: 2, cat: null }), dir, { progress: false, datasets });
  const html = renderRunReport(dir);
  assertSelfContained(html);
  const specs = Object.values(specsOf(html));
  assert.deepEqual(specs.map((s) => s.title), ['Accuracy per epoch']);
  assert.ok(!specs[0]?.data.values.some((v) => v.series === 'MACs kept (of dense)'));
  assert.ok(html.includes('this is a dense run'));
  assert.ok(!html.includes('<h2>Width timeline') && !html.includes('<h2>Gate probabilities'));
  // The architecture panel of the dense LeNet-300-100 (4 classes): 784*300 + 300*100 + 100*4 MACs.
  assert.ok(html.includes('MACs 265.6 k'), 'the dense size in the architecture panel');
  // Image runs keep their words; the time-series wording is only for sequence runs.
  assert.match(html, /<dd>\d+ training images\/s, median over the epochs<\/dd>/);
  assert.ok(html.includes('input [1, 28, 28] per example: 1 channel x 28 x 28 pixels'));
  assert.ok(!html.includes('<dt>input</dt>') && !html.includes('time steps'));
});

test('a missing run directory, or one that is not a run, is a clear error', () => {
  assert.throws(() => renderRunReport(path.join(root, 'absent')), (e: unknown) => e instanceof RunDirectoryError && /does not exist/.test(e.message));
  assert.throws(() => renderRunReport(root), (e: unknown) => e instanceof RunDirectoryError && /config.json is missing/.test(e.message));
});
