// A sweep's page: its points on accuracy against MACs with the Pareto front drawn, a table of the
// points, and the budget form whose answer (the point recommend() picks, and its training command)
// is computed on the server and shown on the same page.
import type { SweepFile, SweepPoint } from '../../sweep/index.js';
import { CONSTRAINT_KINDS, type BudgetQuery } from '../budget.js';
import { escapeHtml, formatCount, formatFraction, formatPercent, jsonForScript, query } from '../html.js';
import { page } from './layout.js';

export interface BudgetAnswer {
  budget: BudgetQuery;
  chosen: SweepPoint | null;
  /** When nothing satisfies the budget: the point that comes nearest. */
  closest: SweepPoint | null;
}

function settingText(point: SweepPoint): string {
  return `${point.setting.kind} ${point.setting.value}`;
}

function frontChart(sweep: SweepFile, chosen: SweepPoint | null): Record<string, unknown> {
  const front = new Set(sweep.pareto);
  const values = sweep.points.map((p) => ({
    name: p.name,
    macs_fraction: p.macs_fraction,
    test_acc: p.test_acc,
    latency_ms: p.latency_ms.batch1,
    on_front: front.has(p.name) ? 'Pareto front' : 'dominated',
    chosen: chosen !== null && p.name === chosen.name,
  }));
  const x = { field: 'macs_fraction', type: 'quantitative', title: 'MACs kept (fraction of dense)', axis: { format: '.0%' } };
  const y = { field: 'test_acc', type: 'quantitative', title: 'test top-1 (%)', scale: { zero: false } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Accuracy against MACs',
    width: 520,
    height: 300,
    data: { name: 'points', values },
    layer: [
      { transform: [{ filter: "datum.on_front === 'Pareto front'" }], mark: { type: 'line', color: '#9bb5dc' }, encoding: { x: { ...x, sort: null }, y } },
      {
        mark: { type: 'point', filled: true, size: 90, tooltip: true },
        encoding: { x, y, color: { field: 'on_front', type: 'nominal', title: null, scale: { domain: ['Pareto front', 'dominated'], range: ['#1f5fbf', '#a7adb5'] } } },
      },
      { transform: [{ filter: 'datum.chosen' }], mark: { type: 'point', size: 420, strokeWidth: 3, color: '#d08700' }, encoding: { x, y } },
      { transform: [{ filter: 'datum.chosen' }], mark: { type: 'text', dy: -18, fontWeight: 'bold', color: '#8a5a00' }, encoding: { x, y, text: { value: 'recommended' } } },
    ],
  };
}

function pointRows(sweep: SweepFile, chosen: SweepPoint | null): string {
  const front = new Set(sweep.pareto);
  return sweep.points
    .map((p) => {
      const classes = [front.has(p.name) ? 'front' : '', chosen?.name === p.name ? 'chosen' : ''].filter((c) => c !== '').join(' ');
      return `<tr class="${classes}" data-point="${escapeHtml(p.name)}"><td>${escapeHtml(p.name)}${front.has(p.name) ? ' ★' : ''}</td><td>${escapeHtml(settingText(p))}</td>
<td class="num">${formatPercent(p.test_acc)}</td><td class="num">${formatFraction(p.macs_fraction)}</td><td class="num">${formatCount(p.macs)}</td>
<td class="num">${p.latency_ms.batch1.toFixed(3)} ms</td><td class="num">${p.train_seconds.toFixed(1)} s</td></tr>`;
    })
    .join('\n');
}

function budgetForm(id: string, answer: BudgetAnswer): string {
  const current = answer.budget.kind === 'ok' ? answer.budget : null;
  const options = Object.entries(CONSTRAINT_KINDS)
    .map(([name, label]) => `<option value="${name}"${current?.name === name ? ' selected' : ''}>${escapeHtml(label)}</option>`)
    .join('');
  return `<form class="budget" id="budget" method="get" action="/sweep">
<input type="hidden" name="id" value="${escapeHtml(id)}">
<label>Budget <select name="constraint">${options}</select></label>
<input name="value" type="number" step="any" min="0" required value="${current === null ? '' : String(current.value)}">
<button type="submit">Recommend</button></form>`;
}

function pointSummary(p: SweepPoint): string {
  return `<b>${escapeHtml(p.name)}</b> (${escapeHtml(settingText(p))}): ${formatPercent(p.test_acc)} test accuracy, ${formatFraction(p.macs_fraction)} of the dense MACs (${formatCount(p.macs)}), ${p.latency_ms.batch1.toFixed(3)} ms at batch 1`;
}

function answerBlock(answer: BudgetAnswer): string {
  const { budget } = answer;
  if (budget.kind === 'none') return '';
  if (budget.kind === 'invalid') return `<div class="answer" id="answer" data-outcome="invalid">Budget not understood: ${escapeHtml(budget.reason)}.</div>`;
  if (answer.chosen !== null) {
    return `<div class="answer" id="answer" data-outcome="recommended" data-point="${escapeHtml(answer.chosen.name)}">Recommended: ${pointSummary(answer.chosen)}.
Train it at full scale with:<code>${escapeHtml(answer.chosen.command)}</code></div>`;
  }
  const nearest = answer.closest === null ? '' : ` The nearest is ${pointSummary(answer.closest)}.`;
  return `<div class="answer" id="answer" data-outcome="none">No point of this sweep meets the budget.${nearest}</div>`;
}

export function sweepPage(id: string, sweep: SweepFile, answer: BudgetAnswer): string {
  const spec = frontChart(sweep, answer.chosen);
  const name = id === '.' ? 'sweep' : id;
  return page({
    title: `Sweep ${name}`,
    charts: true,
    body: `<h1>Sweep ${escapeHtml(name)}</h1>
<p class="meta">${escapeHtml(sweep.model)} on ${escapeHtml(sweep.data)} · pilots of ${sweep.epochs} epoch(s) on ${formatFraction(sweep.subset)} of the training set · dense network ${formatCount(sweep.dense.macs)} MACs · ${sweep.points.length} of ${sweep.settings.length} points done ·
<a href="/sweep/report?${query({ id })}">full sweep report</a></p>
<h2>Budget</h2>${budgetForm(id, answer)}${answerBlock(answer)}
<h2>Pareto front</h2>
<div class="charts"><div class="chart" data-chart="front-chart"></div></div><script type="application/json" id="front-chart-spec">${jsonForScript(spec)}</script>
<h2>Points</h2>
<table id="points"><thead><tr><th>Point (★ on the front)</th><th>Setting</th><th>Test acc.</th><th>MACs kept</th><th>MACs</th><th>Latency</th><th>Pilot time</th></tr></thead>
<tbody>${pointRows(sweep, answer.chosen)}</tbody></table>`,
  });
}
