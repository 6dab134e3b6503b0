// Real run and sweep directories for the browser tests, trained in a few seconds: lenet300 on the
// first images of MNIST (a dense run, and a three-point sweep whose points are CAT runs), plus a copy
// of a CAT run's first epoch that looks like a run still training.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadDataset, type ImageDataset } from '../../src/data/index.js';
import { runSweep, type SweepSetting } from '../../src/sweep/index.js';
import { trainRun } from '../../src/train/run.js';
import { catConfig, fastCat } from '../helpers/run-config.js';

function firstImages(dataset: ImageDataset, count: number): ImageDataset {
  const size = dataset.height * dataset.width * dataset.channels;
  return { ...dataset, count, images: dataset.images.subarray(0, count * size), labels: dataset.labels.subarray(0, count) };
}

export interface RealRuns {
  /** A CAT run: the sweep's point that keeps 30% of the MACs. */
  catRun: string;
  denseRun: string;
  liveRun: string;
  sweep: string;
}

export const SWEEP_SETTINGS: SweepSetting[] = [
  { kind: 'target-macs', value: 0.3 },
  { kind: 'target-macs', value: 0.6 },
  { kind: 'strength', value: 0 },
];

export async function trainRealRuns(root: string): Promise<RealRuns> {
  const datasets = { train: firstImages(loadDataset('mnist', 'train'), 768), test: firstImages(loadDataset('mnist', 'test'), 256) };
  const runs: RealRuns = {
    catRun: path.join(root, 'sweep-lenet300', 'macs-0.3'),
    denseRun: path.join(root, 'lenet300-dense'),
    liveRun: path.join(root, 'lenet300-live'),
    sweep: path.join(root, 'sweep-lenet300'),
  };
  const epochs = 3;
  await trainRun(catConfig({ epochs: 1, cat: null }), runs.denseRun, { progress: false, datasets });
  await runSweep({
    out: runs.sweep,
    settings: SWEEP_SETTINGS,
    subset: 1,
    fullEpochs: 10,
    trainArgs: [],
    configFor: (s) => catConfig({ epochs, cat: s.kind === 'strength' ? { ...fastCat, strength: s.value } : { ...fastCat, targetMacs: s.value, flopsShare: 1 } }),
    datasets,
    progress: false,
    latency: { warmup: 1, repeats: 3 },
  });
  // A run in its second epoch: the CAT run's config and first log line, written just now.
  mkdirSync(runs.liveRun);
  copyFileSync(path.join(runs.catRun, 'config.json'), path.join(runs.liveRun, 'config.json'));
  const firstLine = readFileSync(path.join(runs.catRun, 'log.jsonl'), 'utf8').split('\n')[0] as string;
  writeFileSync(path.join(runs.liveRun, 'log.jsonl'), `${firstLine}\n`);
  return runs;
}
