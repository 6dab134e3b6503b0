// Bad time-series files on the command line: each is refused with the file and line at fault, exit
// code 1 (bad data), and no run directory. The loaders' own tests cover each case in detail; this
// checks the path from `catrain train` to the message and the exit code.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { catrain } from '../helpers/cli.js';

const root = mkdtempSync(path.join(tmpdir(), 'catrain-series-data-'));
after(() => rmSync(root, { recursive: true, force: true }));

const GOOD_ROWS = ['a\t0.1\t0.2\t0.3\t0.4', 'b\t0.5\t0.6\t0.7\t0.8', 'a\t0.2\t0.1\t0.0\t0.1'];

/** Writes DIR/NAME/NAME_TRAIN.tsv and NAME_TEST.tsv and returns the spec. */
function ucr(name: string, train: string[], test: string[]): string {
  const dir = path.join(root, 'ucr', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${name}_TRAIN.tsv`), `${train.join('\n')}\n`);
  writeFileSync(path.join(dir, `${name}_TEST.tsv`), `${test.join('\n')}\n`);
  return `ucr:${path.join(root, 'ucr', name)}`;
}

function csv(name: string, lines: string[]): string {
  const file = path.join(root, `${name}.csv`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return `csv:${file}`;
}

describe('catrain train: bad time-series files', () => {
  const cases: { name: string; data: () => string; extra?: string[]; message: RegExp }[] = [
    { name: 'a ragged row', data: () => ucr('Ragged', [...GOOD_ROWS, 'b\t0.1\t0.2'], GOOD_ROWS), message: /Ragged_TRAIN\.tsv:4: .*2 values but line 1 has 4/ },
    { name: 'an empty value', data: () => ucr('Empty', GOOD_ROWS, ['a\t0.1\t\t0.3\t0.4']), message: /Empty_TEST\.tsv:1:/ },
    { name: 'a NaN value', data: () => ucr('Nan', ['a\t0.1\tNaN\t0.3\t0.4', ...GOOD_ROWS], GOOD_ROWS), message: /Nan_TRAIN\.tsv:1:.*NaN/ },
    { name: 'a test length mismatch', data: () => ucr('Short', GOOD_ROWS, ['a\t0.1\t0.2\t0.3']), message: /Short_TEST\.tsv.*length|length.*Short_TEST\.tsv/i },
    { name: 'an unknown test label', data: () => ucr('Label', GOOD_ROWS, ['z\t0.1\t0.2\t0.3\t0.4']), message: /Label_TEST\.tsv:1:.*'z'/ },
    { name: 'a CSV without a label column', data: () => csv('nolabel', ['time,x,y', ...Array.from({ length: 40 }, (_, i) => `${i},${i},${-i}`)]), extra: ['--window', '8'], message: /nolabel\.csv:1:.*no 'label' column \(it has 'time', 'x', 'y'\); choose the label column with --label-column NAME/ },
    { name: 'a label column the CSV lacks', data: () => csv('nostate', ['time,x,label', ...Array.from({ length: 40 }, (_, i) => `${i},${i},a`)]), extra: ['--window', '8', '--label-column', 'state'], message: /nostate\.csv:1:.*no 'state' column \(it has 'time', 'x', 'label'\); choose the label column with --label-column NAME/ },
    { name: 'a label column in the wrong case', data: () => csv('case', ['time,x,State', ...Array.from({ length: 40 }, (_, i) => `${i},${i},a`)]), extra: ['--window', '8', '--label-column', 'state'], message: /case\.csv:1:.*no 'state' column .*case-sensitive: --label-column State/ },
  ];
  for (const { name, data, extra = [], message } of cases) {
    test(`${name}: exit 1, the file and line named, no run directory`, () => {
      const out = path.join(root, `run-${name.replace(/\W+/g, '-')}`);
      const result = catrain('train', '--model', 'lenet1d', '--data', data(), ...extra, '--epochs', '1', '--out', out);
      assert.equal(result.status, 1, result.stderr);
      assert.match(result.stderr, message);
      assert.equal(existsSync(out), false, 'no run directory is made');
    });
  }
});
