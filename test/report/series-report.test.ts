// The report of a sequence run says what its examples are: sequences of channels by time steps, with
// the class names and statistics of its data.json, and throughput in sequences per second; nothing
// in it calls them images or pixels. An image run keeps its wording.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inputShapeText, renderRunReport } from '../../src/report/index.js';
import { trainRun } from '../../src/train/run.js';
import { catConfig, fastCat } from '../helpers/run-config.js';
import { syntheticSequences } from '../helpers/sequences.js';

const root = mkdtempSync(path.join(tmpdir(), 'catrain-series-report-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));

/** The page without its inlined libraries, whose own code mentions images. */
const ownText = (html: string): string => html.replace(/<script[\s\S]*?<\/script>/g, '');

test('a sequence run\'s report describes channels, time steps, its classes and sequences per second', async () => {
  const dir = path.join(root, 'lenet1d');
  const datasets = { train: syntheticSequences(48, 1), test: syntheticSequences(24, 2) };
  const config = catConfig({ model: 'lenet1d', data: 'synthetic-sequences', epochs: 4, trainSubset: 40, cat: { ...fastCat, targetMacs: 0.5, pruneBy: 0.75 } });
  await trainRun(config, dir, { progress: false, datasets });
  const page = ownText(renderRunReport(dir));
  assert.ok(page.includes('<dd>synthetic-sequences (first 40 training sequences)</dd>'), 'the subset counts sequences');
  assert.match(page, /<dt>input<\/dt><dd>2 channels x 32 time steps, normalised per channel with the training split&#39;s statistics; 3 classes: class-0, class-1, class-2<\/dd>/);
  assert.match(page, /<dt>throughput<\/dt><dd>\d+ training sequences\/s, median over the epochs<\/dd>/);
  assert.ok(page.includes('input [2, 32] per example: 2 channels x 32 time steps'), 'the architecture panel names the input');
  assert.doesNotMatch(page, /image|pixel/i);
});

test('input shapes in words: [C, L] by time steps, [C, H, W] by pixels', () => {
  assert.equal(inputShapeText([1, 128]), '1 channel x 128 time steps');
  assert.equal(inputShapeText([3, 32, 32]), '3 channels x 32 x 32 pixels');
});
