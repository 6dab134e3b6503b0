import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { catrain } from '../helpers/cli.js';

const root = mkdtempSync(path.join(tmpdir(), 'catrain-series-cli-'));
after(() => rmSync(root, { recursive: true, force: true }));

// The settings are checked before the model is fitted to the data, so an image model serves here
// (and the test does not depend on which 1-d models the zoo has).
describe('catrain train: time-series options', () => {
  const cases: { name: string; args: string[]; message: RegExp }[] = [
    { name: 'a sensor log without a window', args: ['--model', 'lenet5', '--data', 'csv:pump.csv'], message: /csv:.*pump\.csv is a sensor log cut into windows: give --window N/ },
    { name: 'a window on image data', args: ['--model', 'lenet5', '--data', 'mnist', '--window', '64'], message: /--window only applies to csv: sensor logs, not mnist data/ },
    { name: 'a zero window', args: ['--model', 'lenet5', '--data', 'csv:pump.csv', '--window', '0'], message: /--window must be a positive integer, got '0'/ },
    { name: 'a label column on image data', args: ['--model', 'lenet5', '--data', 'mnist', '--label-column', 'state'], message: /--label-column only applies to csv: sensor logs, not mnist data/ },
    { name: 'a test fraction on an archive', args: ['--model', 'lenet5', '--data', 'ucr:/a/FordA', '--test-fraction', '0.3'], message: /--test-fraction only applies to csv: sensor logs, not ucr data/ },
    { name: 'a test fraction of 1', args: ['--model', 'lenet5', '--data', 'csv:pump.csv', '--window', '8', '--test-fraction', '1'], message: /--test-fraction must be a number in \(0, 1\), got '1'/ },
    { name: 'a test fraction of 0', args: ['--model', 'lenet5', '--data', 'csv:pump.csv', '--window', '8', '--test-fraction', '0'], message: /--test-fraction must be a number in \(0, 1\), got '0'/ },
    { name: 'an empty label column', args: ['--model', 'lenet5', '--data', 'csv:pump.csv', '--window', '8', '--label-column', ''], message: /--label-column needs a column name, got ''/ },
    { name: 'a label column with spaces around it', args: ['--model', 'lenet5', '--data', 'csv:pump.csv', '--window', '8', '--label-column', ' state'], message: /--label-column ' state' has spaces around it/ },
    { name: 'a negative jitter', args: ['--model', 'lenet5', '--data', 'ucr:/a/FordA', '--jitter', '-0.1'], message: /--jitter must be a number in \[0, 10\], got '-0\.1'/ },
    { name: 'a window crop of 0', args: ['--model', 'lenet5', '--data', 'ucr:/a/FordA', '--window-crop', '0'], message: /--window-crop must be a number in \(0, 1\]/ },
    { name: 'a fractional time shift', args: ['--model', 'lenet5', '--data', 'ucr:/a/FordA', '--time-shift', '1.5'], message: /--time-shift must be a non-negative integer/ },
    { name: 'signal augmentation on images', args: ['--model', 'lenet5', '--data', 'mnist', '--scaling', '0.1'], message: /--scaling augment sequences, but mnist holds images/ },
    { name: 'image augmentation on signals', args: ['--model', 'lenet5', '--data', 'uea:/a/BasicMotions', '--augment'], message: /--augment is the image crop and flip; it does not apply to time series/ },
    { name: 'a UCR spec without a name', args: ['--model', 'lenet5', '--data', 'ucr:FordA'], message: /needs the archive folder and the dataset's name: ucr:DIR\/NAME/ },
  ];
  for (const { name, args, message } of cases) {
    test(`${name}: exit 2, a clear message, no run directory`, () => {
      const out = path.join(root, name.replace(/\W+/g, '-'));
      const result = catrain('train', ...args, '--out', out, '--epochs', '1');
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, message);
      assert.equal(existsSync(out), false);
    });
  }
});
