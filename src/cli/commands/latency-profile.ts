// `catrain latency-profile`: measures a network's layers on a runtime over a grid of widths and
// writes the fitted cost model that `catrain train --latency-profile` prunes against.
import { Command } from 'commander';
import { LATENCY_RUNTIMES, type LatencyProfile, type LatencyRuntime } from '../../cat/latency.js';
import * as E from '../../engine/index.js';
import { writeFileWhole } from '../../export/index.js';
import { profileLatency } from '../../latency/index.js';
import { modelNames } from '../../models/index.js';
import type { Module } from '../../nn/index.js';
import { addInputShapeOptions, buildForInput, modelInput, type InputShapeCliOptions } from '../input-shape.js';
import { oneOf, positiveInt } from '../options.js';

interface LatencyProfileOptions extends InputShapeCliOptions {
  model: string;
  runtime: LatencyRuntime;
  batch: number;
  out: string;
  numClasses: number;
  threads?: number;
  quiet?: boolean;
}

const percent = (x: number): string => `${(100 * x).toFixed(1)}%`;

function summary(profile: LatencyProfile): string {
  const rows = Object.entries(profile.layers).map(([name, l]) => `  ${name.padEnd(28)} ${`${l.inWidth}x${l.outWidth}`.padEnd(9)} ${String(l.samples.length).padStart(3)} samples  rms ${percent(l.rmsRelative).padStart(6)}  max ${percent(l.maxRelative).padStart(6)}`);
  return [
    `${profile.model} on ${profile.runtime}, batch ${profile.batch}, ${profile.threads} threads: dense network ${profile.denseMs.toFixed(3)} ms (median of the timed runs)`,
    `fit against the layers' measurements: rms ${percent(profile.fit.rmsRelative)}, max ${percent(profile.fit.maxRelative)} relative error`,
    ...(profile.calibration === undefined
      ? []
      : [
          `whole network narrowed to ${profile.calibration.points.map((p) => `${p.fraction}${p.blocksRemoved ? ' without blocks' : ''}: ${p.measuredMs.toFixed(3)} ms`).join(', ')}; layers scaled by ${profile.calibration.scale.toFixed(3)}, plus ${profile.calibration.perLayerMs.toFixed(4)} ms each; model against these: rms ${percent(profile.calibration.rmsRelative)}, max ${percent(profile.calibration.maxRelative)}`,
        ]),
    ...(profile.validation === undefined
      ? []
      : [`model against ${profile.validation.points.length} random pruned networks (not fitted to): rms ${percent(profile.validation.rmsRelative)}, max ${percent(profile.validation.maxRelative)}; measured ${profile.validation.points.map((p) => `${p.measuredMs.toFixed(3)}/${p.predictedMs.toFixed(3)}`).join(', ')} ms (measured/predicted)`]),
    ...repeatability(profile),
    `${profile.remainderMs.toFixed(3)} ms outside the layers`,
    ...rows,
  ].join('\n');
}

/** Past this, the warning: a budget cannot land closer to its target than the machine repeats itself. */
const REPEAT_TOLERANCE = 0.05;

function repeatability(profile: LatencyProfile): string[] {
  if (profile.denseRepeatMs === undefined) return [];
  const drift = profile.denseRepeatMs / profile.denseMs - 1;
  const line = `dense network timed again at the end: ${profile.denseRepeatMs.toFixed(3)} ms (${drift >= 0 ? '+' : ''}${(100 * drift).toFixed(1)}%)`;
  if (Math.abs(drift) <= REPEAT_TOLERANCE) return [line];
  return [line, `warning: timings on this machine moved by more than ${100 * REPEAT_TOLERANCE}% within the profile, and a latency budget can land no closer than that; profile again on a quiet machine, or with fewer --threads (one thread repeats best on a small machine)`];
}

export function latencyProfileCommand(): Command {
  const command = new Command('latency-profile')
    .description('time each prunable layer of a model on a runtime over a grid of widths, fit a per-layer latency model, and write it for train --latency-profile')
    .requiredOption('--model <name>', `model: ${modelNames().join(', ')}`)
    .option('--runtime <name>', `where the network will run: ${LATENCY_RUNTIMES.join(', ')} (both on the CPU)`, oneOf('--runtime', LATENCY_RUNTIMES), 'libtorch')
    .option('--batch <n>', 'batch size the deployed network answers', positiveInt('--batch'), 1)
    .requiredOption('--out <file>', 'profile to write (JSON)')
    .option('--num-classes <n>', 'classifier outputs, as the data will have', positiveInt('--num-classes'), 10)
    .option('--threads <n>', 'compute threads, as the deployment will use (default: all cores)', positiveInt('--threads'))
    .option('--quiet', 'print no progress');
  return addInputShapeOptions(command).action(async (options: LatencyProfileOptions) => {
    // A sequence network's cost grows with the length, so it is profiled at the data's length.
    const { inputShape, modelOptions } = modelInput(options.model, options);
    if (options.threads !== undefined) E.setNumThreads(options.threads);
    E.manualSeed(0);
    const model = buildForInput(options.model, { ...modelOptions, numClasses: options.numClasses });
    try {
      const progress = options.quiet === true ? undefined : (message: string): void => void process.stderr.write(`\r\x1b[Kprofiling ${message}`);
      const build = (): Module => buildForInput(options.model, { ...modelOptions, numClasses: options.numClasses });
      const profile = await profileLatency(model, inputShape, { modelName: options.model, runtime: options.runtime, batch: options.batch, progress, build });
      if (progress !== undefined) process.stderr.write('\r\x1b[K');
      writeFileWhole(options.out, `${JSON.stringify(profile, null, 1)}\n`, true);
      console.log(summary(profile));
      console.log(`wrote ${options.out}`);
    } finally {
      model.dispose();
    }
  });
}
