// A run's page: what it is, its epochs so far in a table and two charts, updated live from the
// run's log while it trains, and links to its full report and its files.
import { escapeHtml, formatFraction, formatPercent, jsonForScript, query } from '../html.js';
import type { RunRow } from '../run-status.js';
import { SERVED_RUN_FILES } from '../safe-files.js';
import { page } from './layout.js';

function lineChart(field: string, title: string, axis: Record<string, unknown>): Record<string, unknown> {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 380,
    height: 220,
    data: { name: 'log' },
    // Epochs arrive after the first layout: let axis labels that grow resize the chart.
    autosize: { type: 'pad', resize: true },
    mark: { type: 'line', point: true, tooltip: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } },
      y: { field, type: 'quantitative', ...axis },
    },
  };
}

export const RUN_CHARTS = {
  'acc-chart': lineChart('test_acc', 'Test accuracy', { title: 'test top-1 (%)', scale: { zero: false } }),
  'macs-chart': lineChart('macs_fraction', 'MACs kept', { title: 'fraction of the dense MACs', axis: { format: '.0%' }, scale: { domain: [0, 1] } }),
};

export function runPage(run: RunRow): string {
  const id = query({ id: run.id });
  const charts = Object.entries(RUN_CHARTS)
    .map(([name, spec]) => `<div class="chart" data-chart="${name}"></div><script type="application/json" id="${name}-spec">${jsonForScript(spec)}</script>`)
    .join('\n');
  // Image runs have no data.json.
  const files = Object.keys(SERVED_RUN_FILES)
    .filter((name) => name !== 'data.json' || run.examples === 'sequences')
    .map((name) => `<a href="/run/file?${query({ id: run.id, name })}">${name}</a>`)
    .join(' · ');
  const planned = run.epochsPlanned === null ? '' : ` of ${run.epochsPlanned}`;
  const workers = run.workers > 1 ? ` · <span id="workers">${run.workers} workers</span>` : '';
  return page({
    title: run.name,
    charts: true,
    body: `<h1>${escapeHtml(run.name)}</h1>
<p><span id="status" class="status status-${run.status}">${run.status}</span>
${escapeHtml(run.model)} on ${escapeHtml(run.data)}, ${run.method} · epochs done: <span id="epochs-done">${run.epochsDone}</span>${planned}
· test accuracy ${formatPercent(run.testAcc)} · MACs kept ${formatFraction(run.macsFraction)}${workers}</p>
<p><a href="/run/report?${id}">Full run report</a> · files: ${files}</p>
<div id="live" data-events="/run/events?${id}"></div>
<div class="charts">${charts}</div>
<h2>Epochs</h2>
<table id="epochs"><thead><tr><th>Epoch</th><th>Train loss</th><th>Train acc.</th><th>Test acc.</th><th>MACs kept</th><th>Time</th><th>${run.examples === 'sequences' ? 'Sequences/s' : 'Images/s'}</th></tr></thead><tbody></tbody></table>`,
  });
}
