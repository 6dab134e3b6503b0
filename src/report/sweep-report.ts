// The HTML report of a sweep directory: accuracy against MACs, latency and training time with the
// Pareto fronts, and a table of every point with the command that trains it at full scale.
import { readSweep, type SweepFile } from '../sweep/index.js';
import { tradeoffChart } from './charts/tradeoff.js';
import { escapeHtml, renderPage, type ReportSection } from './html.js';

function pointsTable(sweep: SweepFile): string {
  const front = new Set(sweep.pareto);
  const header = ['point', 'setting', 'test top-1', 'MACs kept', 'params kept', 'latency b1 (ms)', 'latency b64 (ms)', 'training (s)', 'front', 'full-scale command'];
  const rows = sweep.points.map((p) =>
    [
      `<td class="left">${escapeHtml(p.name)}</td>`,
      `<td class="left">${escapeHtml(`${p.setting.kind} ${p.setting.value}`)}</td>`,
      `<td>${p.test_acc.toFixed(2)}%</td>`,
      `<td>${(100 * p.macs_fraction).toFixed(1)}%</td>`,
      `<td>${(100 * p.params_fraction).toFixed(1)}%</td>`,
      `<td>${p.latency_ms.batch1.toFixed(3)}</td>`,
      `<td>${p.latency_ms.batch64.toFixed(2)}</td>`,
      `<td>${p.train_seconds.toFixed(1)}</td>`,
      `<td>${front.has(p.name) ? '✓' : ''}</td>`,
      `<td class="left"><code>${escapeHtml(p.command)}</code></td>`,
    ].join(''),
  );
  return `<table><thead><tr>${header.map((h, i) => `<th${i < 2 || i === header.length - 1 ? ' class="left"' : ''}>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>\n${rows.map((r) => `<tr>${r}</tr>`).join('\n')}\n</tbody></table>`;
}

export function renderSweepReport(sweepDir: string): string {
  const sweep = readSweep(sweepDir);
  const pilot = `${sweep.epochs} epoch${sweep.epochs === 1 ? '' : 's'} on ${sweep.subset < 1 ? `${(100 * sweep.subset).toFixed(1)}% of` : 'all of'} the training set`;
  const facts: [string, string][] = [
    ['sweep directory', sweepDir],
    ['model', sweep.model],
    ['data', sweep.data],
    ['pilot runs', pilot],
    ['points', `${sweep.points.length} of ${sweep.settings?.length ?? sweep.points.length} settings finished`],
    ['dense network', `${sweep.dense.macs.toLocaleString('en-US')} MACs, ${sweep.dense.params.toLocaleString('en-US')} parameters`],
    ['latency', `CPU, ${sweep.latency_threads ?? '?'} thread(s), median of repeats, after warm-up`],
  ];
  const sections: ReportSection[] =
    sweep.points.length === 0
      ? [{ title: 'Points', note: 'No point has finished yet.' }]
      : [
          { title: 'Accuracy against MACs', note: 'Red: the Pareto front (no other point is both at least as accurate and cheaper). Accuracies are of the short pilot runs; full-scale runs land higher.', chart: tradeoffChart(sweep, 'macs') },
          { title: 'Accuracy against latency', note: 'Median CPU time of one forward pass of a single example through the pruned network.', chart: tradeoffChart(sweep, 'latency') },
          { title: 'Accuracy against training time', note: 'Wall-clock time of each pilot run (training and its evaluations).', chart: tradeoffChart(sweep, 'train_seconds') },
          { title: 'Points', note: `Each point trains at full scale (${sweep.full_epochs} epochs, the whole training set) with its command.`, html: pointsTable(sweep) },
        ];
  return renderPage({ title: `catrain sweep report: ${sweep.model} on ${sweep.data}`, facts, sections });
}
