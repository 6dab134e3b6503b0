// The HTML report of one run directory: accuracy and MACs per epoch, and for CAT runs the width
// timeline, sampled gate probabilities and epoch time against MACs; then the final architecture.
// Dense runs, and runs whose logs predate a field, get the panels their data supports and a note
// saying what is left out and why.
import { architectureHtml } from './architecture-section.js';
import { accuracyChart } from './charts/accuracy.js';
import { epochTimeChart } from './charts/epoch-time.js';
import { gateChart } from './charts/gates.js';
import { widthTimelineChart } from './charts/width-timeline.js';
import { renderPage, type ReportSection } from './html.js';
import { readRunData, type RunReportData } from './run-data.js';
import { throughputOf, type RunData } from '../train/index.js';

const percent = (fraction: number): string => `${(100 * fraction).toFixed(1)}%`;

function methodOf(cat: RunReportData['config']['cat']): string {
  if (cat === null) return 'dense';
  const compute = (cat.latencyProfile ?? null) === null ? '' : ' (compute as latency on a profile)';
  if (cat.targetMacs !== null) return `CAT, MAC budget ${cat.targetMacs}${compute}`;
  if (cat.targetParams !== null) return `CAT, parameter budget ${cat.targetParams}${compute}`;
  if ((cat.targetLatency ?? null) !== null) return `CAT, latency budget ${cat.targetLatency} ms`;
  return `CAT, strength ${cat.strength}${compute}`;
}

/** A sequence run's input and classes, e.g. '3 channels x 100 time steps; 3 classes: normal, wear, imbalance'. */
function sequenceInput(sequence: RunData): string {
  const channels = `${sequence.channels} channel${sequence.channels === 1 ? '' : 's'}`;
  const classes = sequence.class_names === undefined ? `${sequence.num_classes} classes` : `${sequence.num_classes} classes: ${sequence.class_names.join(', ')}`;
  return `${channels} x ${sequence.length} time steps, normalised per channel with the training split's statistics; ${classes}`;
}

function facts(data: RunReportData): [string, string][] {
  const { config, summary, log, sequence } = data;
  const examples = sequence === null ? 'images' : 'sequences';
  const list: [string, string][] = [
    ['run directory', data.dir],
    ['model', config.model],
    ['data', config.trainSubset === null ? config.data : `${config.data} (first ${config.trainSubset} training ${examples})`],
    ...(sequence === null ? [] : [['input', sequenceInput(sequence)] as [string, string]]),
    ['method', methodOf(config.cat)],
    ['epochs', summary === undefined ? `${log.length} of ${config.epochs} (unfinished)` : String(config.epochs)],
  ];
  if (summary !== undefined) {
    list.push(['test top-1', `${summary.test_acc.toFixed(2)}%`]);
    list.push(['MACs', `${summary.final.macs.toLocaleString('en-US')} (${percent(summary.final.macs / summary.baseline.macs)} of dense)`]);
    list.push(['parameters', `${summary.final.params.toLocaleString('en-US')} (${percent(summary.final.params / summary.baseline.params)} of dense)`]);
    list.push(['training time', `${summary.train_seconds.toFixed(1)} s`]);
    const latency = summary.latency;
    if (latency !== undefined) {
      const target = latency.target_ms === null ? '' : `, target ${latency.target_ms.toFixed(3)} ms (measured ${percent(latency.measured_ms / latency.target_ms)} of it)`;
      list.push(['latency', `${latency.measured_ms.toFixed(3)} ms measured on ${latency.runtime} at batch ${latency.batch} (median of ${latency.runs} runs), ${latency.predicted_ms.toFixed(3)} ms predicted${target}; dense ${latency.dense_ms.toFixed(3)} ms as profiled${latency.dense_measured_ms === undefined ? '' : `, ${latency.dense_measured_ms.toFixed(3)} ms beside it`}`]);
    }
  }
  const speed = throughputOf(log);
  if (Number.isFinite(speed.imgS)) {
    const perWorker = speed.workers > 1 ? ` (${speed.imgSPerWorker.toFixed(0)} per worker)` : '';
    list.push(['workers', String(speed.workers)]);
    list.push(['throughput', `${speed.imgS.toFixed(0)} training ${examples}/s${perWorker}, median over the epochs`]);
  }
  return list;
}

function catSections(data: RunReportData): ReportSection[] {
  const { log, architecture } = data;
  const sections: ReportSection[] = [
    {
      title: 'Width timeline',
      note: 'Each cell: the share of a layer\'s units (or of a residual block) still in the network at the end of the epoch; ✕ marks a removed block or a layer that went with it. Hover for counts.',
      chart: widthTimelineChart(log, architecture),
    },
  ];
  if (log.some((r) => r.gate_sample !== undefined)) {
    sections.push({
      title: 'Gate probabilities',
      note: 'theta at the end of each epoch for a fixed sample of gates: a few units of several layers (dense-network index in brackets) and the block gates. A removed structure reads 0.',
      chart: gateChart(log),
    });
  } else {
    sections.push({ title: 'Gate probabilities', note: 'Not shown: this run\'s log has no gate_sample (it was written by an older catrain).' });
  }
  sections.push({
    title: 'Epoch time against MACs',
    note: 'Seconds per training epoch (including evaluation of the test set) against the network\'s MACs at the end of that epoch; numbers label the epochs.',
    chart: epochTimeChart(log),
  });
  return sections;
}

export function renderRunReport(runDir: string): string {
  const data = readRunData(runDir);
  const dense = data.config.cat === null;
  const sections: ReportSection[] = [
    {
      title: 'Training progress',
      ...(data.log.length === 0 ? { note: 'The log holds no finished epoch yet.' } : {}),
      chart: accuracyChart(data.log, data.cat),
    },
  ];
  if (data.cat) sections.push(...catSections(data));
  else {
    sections.push({
      title: 'Pruning panels',
      note: dense
        ? 'Not shown: this is a dense run (no Complexity-Aware Training), so there is no width timeline, gate probabilities or epoch time against MACs.'
        : 'Not shown: this CAT run\'s log has no per-layer widths (it was written by an older catrain), so there is no width timeline, gate probabilities or epoch time against MACs.',
    });
  }
  sections.push(
    data.architecture === undefined
      ? { title: 'Final architecture', note: 'Not available: the run has not finished (no architecture.json yet).' }
      : { title: 'Final architecture', html: architectureHtml(data.architecture, data.summary) },
  );
  return renderPage({ title: `catrain run report: ${data.config.model} on ${data.config.data}`, facts: facts(data), sections });
}
