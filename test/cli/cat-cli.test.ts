// CAT from the command line: its options are validated, --resume refuses flags that contradict the
// run, and a network registered with registerModel trains, evaluates and reports through runCli
// exactly as a zoo model does, from the run directory alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { DEFAULT_CAT } from '../../src/cat/index.js';
import { toCatOptions, type CatCliOptions } from '../../src/cli/cat-options.js';
import { runCli } from '../../src/cli/program.js';
import { registerModel } from '../../src/models/index.js';
import { DEFAULT_CONFIG } from '../../src/train/config.js';
import type { RunSummary } from '../../src/train/summary.js';
import { TinyResNet } from '../cat/nets.js';
import { catrain } from '../helpers/cli.js';



test('invalid CAT options exit 2 with a message naming the option', () => {
  const base = ['train', '--model', 'lenet300', '--data', 'mnist', '--out', path.join(tmpdir(), 'catrain-never-written')];
  const cases: [string[], RegExp][] = [
    [['--strength', '-1'], /strength \(--strength\) must be a number > 0 .*, got -1/],
    [['--strength', 'abc'], /--strength must be a number, got 'abc'/],
    [['--flops-share', '2'], /flopsShare \(--flops-share\) must be a number in \[0, 1\], got 2/],
    [['--target-macs', '0'], /targetMacs \(--target-macs\) must be a fraction in \(0, 1\) of the dense network, got 0/],
    [['--target-macs', '1.5'], /targetMacs \(--target-macs\) must be a fraction in \(0, 1\) of the dense network, got 1\.5/],
    [['--target-params', '1'], /targetParams \(--target-params\) must be a fraction in \(0, 1\) of the dense network, got 1/],
    [['--units-only', '--layers-only'], /unitsOnly \(--units-only\) and layersOnly \(--layers-only\) exclude each other/],
    [['--target-macs', '0.5', '--dense'], /needs CAT: drop --dense/],
    [['--target-macs', '0.5', '--target-params', '0.5'], /give one budget, not targetMacs \(--target-macs\) and targetParams \(--target-params\)/],
    [['--min-units', '0'], /minUnits \(--min-units\) must be an integer >= 1, got 0/],
    [['--min-units', '1.5'], /--min-units must be an integer, got '1\.5'/],
    [['--layer-estimator', 'reinforce'], /layerEstimator \(--layer-estimator\) must be one of linear, two-point, got "reinforce"/],
    [['--gate-warmup-epochs', '20', '--epochs', '3'], /gateWarmupEpochs \(--gate-warmup-epochs\) must be in \[0, epochs\) = \[0, 3\), got 20/],
    [['--protect', ','], /--protect needs a value such as/],
  ];
  for (const [args, message] of cases) {
    const { status, stderr } = catrain(...base, ...args);
    assert.equal(status, 2, `${args.join(' ')} exited ${status}: ${stderr}`);
    assert.match(stderr, message, args.join(' '));
  }
});

test('a budget makes its own cost the one the gates weigh, unless --flops-share is given', () => {
  const share = (given: CatCliOptions): number | undefined => toCatOptions(given, 15, (key) => key in given)?.flopsShare;
  assert.equal(share({}), 0.5);
  assert.equal(share({ targetMacs: 0.5 }), 1);
  assert.equal(share({ targetParams: 0.5 }), 0);
  assert.equal(share({ targetMacs: 0.5, flopsShare: 0.3 }), 0.3);
});

test('--resume names the flags that contradict the run and changes nothing', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'catrain-resume-flags-'));
  try {
    const config = JSON.stringify({ ...DEFAULT_CONFIG, model: 'lenet300', data: 'mnist', epochs: 3, cat: { ...DEFAULT_CAT, strength: 1 } });
    writeFileSync(path.join(root, 'config.json'), config);
    const conflicting = catrain('train', '--resume', '--out', root, '--strength', '2', '--lr', '0.2', '--epochs', '3');
    assert.equal(conflicting.status, 2, conflicting.stderr);
    assert.match(conflicting.stderr, /--strength 2 \(the run has 1\)/);
    assert.match(conflicting.stderr, /--lr 0\.2 \(the run has 0\.1\)/);
    assert.doesNotMatch(conflicting.stderr, /--epochs/);
    const dense = catrain('train', '--resume', '--out', root, '--dense');
    assert.equal(dense.status, 2);
    assert.match(dense.stderr, /--dense true \(the run has false\)/);
    assert.equal(readFileSync(path.join(root, 'config.json'), 'utf8'), config);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

/** DIR/{train,val}/<class>/*.png: 12x12 images whose brightest quadrant is the class. */
function writeQuadrantImages(dir: string): void {
  let state = 9;
  const random = (): number => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (const [split, count] of [['train', 24], ['val', 8]] as const) {
    for (let label = 0; label < 4; label++) {
      const classDir = path.join(dir, split, `c${label}`);
      mkdirSync(classDir, { recursive: true });
      for (let i = 0; i < count; i++) {
        const png = new PNG({ width: 12, height: 12 });
        for (let y = 0; y < 12; y++) {
          for (let x = 0; x < 12; x++) {
            const quadrant = (y < 6 ? 0 : 2) + (x < 6 ? 0 : 1);
            const value = (quadrant === label ? 160 : 40) + Math.floor(random() * 60);
            png.data.set([value, value, value, 255], 4 * (12 * y + x));
          }
        }
        writeFileSync(path.join(classDir, `${i}.png`), PNG.sync.write(png));
      }
    }
  }
}

async function captured(argv: string[]): Promise<{ code: number; stdout: string }> {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...items: unknown[]) => void lines.push(items.join(' '));
  try {
    const code = await runCli(['node', 'catrain', ...argv]);
    return { code, stdout: lines.join('\n') };
  } finally {
    console.log = original;
  }
}

test('a registered network trains with CAT, evaluates and reports from its run directory', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'catrain-registered-'));
  try {
    registerModel('tiny-resnet', (o) => new TinyResNet(o.inChannels ?? 3, o.numClasses ?? 4), [3, 12, 12]);
    const images = path.join(root, 'images');
    writeQuadrantImages(images);
    const run = path.join(root, 'run');
    const common = ['--data', `folder:${images}`, '--image-size', '12', '--workers', '0', '--batch-size', '16'];
    const train = await captured(['train', '--model', 'tiny-resnet', ...common, '--epochs', '4', '--strength', '20', '--gate-cross-epochs', '0.5', '--patience-epochs', '0.5', '--out', run, '--quiet']);
    assert.equal(train.code, 0);
    const summary = JSON.parse(readFileSync(path.join(run, 'summary.json'), 'utf8')) as RunSummary;
    assert.equal(summary.method, 'cat');
    assert.ok(summary.macs_reduction > 0, 'something was pruned');
    const evaluation = await captured(['eval', '--run', run, '--json']);
    assert.equal(evaluation.code, 0);
    assert.equal((JSON.parse(evaluation.stdout) as { test_acc: number }).test_acc, summary.test_acc);
    const info = await captured(['info', '--run', run, '--json']);
    assert.equal(info.code, 0);
    const sizes = JSON.parse(info.stdout) as { macs: number; params: number };
    assert.deepEqual({ macs: sizes.macs, params: sizes.params }, summary.final);
    const table = await captured(['info', '--run', run]);
    assert.match(table.stdout, /blocks\.0\.conv1\s+8\s+\d+/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
