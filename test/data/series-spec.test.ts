import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatDatasetSpec, isSeriesSpec, loadDataset, loadDatasets, parseDatasetSpec, windowProblems } from '../../src/data/spec.js';

describe('time-series dataset specs', () => {
  test('ucr:DIR/NAME and uea:DIR/NAME split at the last slash; csv:FILE keeps the path', () => {
    assert.deepEqual(parseDatasetSpec('ucr:/data/UCRArchive_2018/FordA'), { kind: 'ucr', dir: '/data/UCRArchive_2018', name: 'FordA' });
    assert.deepEqual(parseDatasetSpec('ucr:archive/FordA/'), { kind: 'ucr', dir: 'archive', name: 'FordA' });
    assert.deepEqual(parseDatasetSpec('uea:/d/Multivariate_ts/BasicMotions'), { kind: 'uea', dir: '/d/Multivariate_ts', name: 'BasicMotions' });
    assert.deepEqual(parseDatasetSpec('csv:logs/pump:3.csv'), { kind: 'csv', file: 'logs/pump:3.csv' });
    assert.ok(isSeriesSpec(parseDatasetSpec('csv:x.csv')) && !isSeriesSpec(parseDatasetSpec('mnist')));
  });

  test('a missing archive folder, name or file is named with the form to use', () => {
    assert.throws(() => parseDatasetSpec('ucr:FordA'), /dataset 'ucr:FordA' needs the archive folder and the dataset's name: ucr:DIR\/NAME \(e\.g\. ucr:\/data\/UCRArchive_2018\/FordA\)/);
    assert.throws(() => parseDatasetSpec('uea'), /uea:DIR\/NAME/);
    assert.throws(() => parseDatasetSpec('ucr:/FordA'), /ucr:DIR\/NAME/);
    assert.throws(() => parseDatasetSpec('csv'), /dataset 'csv' needs a file: csv:FILE/);
    assert.throws(() => parseDatasetSpec('csv:'), /the directory after ':' is empty/);
    assert.throws(() => parseDatasetSpec('tsv:/x'), /valid forms: .*ucr:DIR\/NAME.*uea:DIR\/NAME.*csv:FILE/);
  });

  test('runs record specs with absolute paths', () => {
    assert.equal(formatDatasetSpec(parseDatasetSpec('ucr:archive/FordA'), '/home/u'), 'ucr:/home/u/archive/FordA');
    assert.equal(formatDatasetSpec(parseDatasetSpec('uea:/d/BasicMotions'), '/home/u'), 'uea:/d/BasicMotions');
    assert.equal(formatDatasetSpec(parseDatasetSpec('csv:pump.csv'), '/home/u'), 'csv:/home/u/pump.csv');
    assert.equal(formatDatasetSpec(parseDatasetSpec('mnist'), '/home/u'), 'mnist');
    assert.equal(formatDatasetSpec(parseDatasetSpec('cifar10:c'), '/home/u'), 'cifar10:/home/u/c');
  });

  test('a sensor log needs a window; other data take none; both must be positive steps', () => {
    const csv = parseDatasetSpec('csv:pump.csv');
    assert.deepEqual(windowProblems(csv, { window: 128, stride: 64 }), []);
    assert.match(windowProblems(csv, {}).join(), /csv:pump\.csv is a sensor log cut into windows: give --window N/);
    assert.match(windowProblems(csv, { window: 0 }).join(), /--window must be a positive whole number of time steps, got 0/);
    assert.match(windowProblems(csv, { window: 8, stride: 1.5 }).join(), /--stride must be a positive whole number/);
    assert.deepEqual(windowProblems(parseDatasetSpec('ucr:a/B'), { window: 8, stride: 2 }), ['--window only applies to csv: sensor logs, not ucr data', '--stride only applies to csv: sensor logs, not ucr data']);
    assert.deepEqual(windowProblems(csv, { window: 8, labelColumn: 'state', testFraction: 0.3 }), []);
    assert.deepEqual(windowProblems(csv, { window: 8, labelColumn: ' ', testFraction: 1 }), ['--label-column must name a column of the log\'s header, got " "', '--test-fraction must be a number strictly between 0 and 1, got 1']);
    assert.deepEqual(windowProblems(parseDatasetSpec('mnist'), { labelColumn: 'state', testFraction: 0.3 }), ['--label-column only applies to csv: sensor logs, not mnist data', '--test-fraction only applies to csv: sensor logs, not mnist data']);
    assert.throws(() => loadDatasets('csv:/nonexistent.csv'), /give --window N/);
  });

  test('series load both splits together: loadDataset (one split) points to loadDatasets', () => {
    assert.throws(() => loadDataset('ucr:/a/B', 'test'), /ucr: data is loaded with both splits at once .* use loadDatasets/);
    const images = loadDatasets('mnist');
    assert.deepEqual([images.train.count, images.test.count], [60000, 10000]);
  });
});
