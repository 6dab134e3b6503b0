// The home page: every run found under the root (name, model, dense or CAT, status, accuracy, MACs
// kept, epochs) and every sweep.
import { escapeHtml, formatFraction, formatPercent, query } from '../html.js';
import type { RunRow } from '../run-status.js';
import { page } from './layout.js';

export interface SweepRow {
  id: string;
  model: string;
  data: string;
  points: number;
  settings: number;
  /** Why the sweep could not be read, when it could not. */
  problem: string | null;
}

function runLine(run: RunRow): string {
  const id = query({ id: run.id });
  const epochs = run.epochsPlanned === null ? String(run.epochsDone) : `${run.epochsDone} / ${run.epochsPlanned}`;
  return `<tr data-run="${escapeHtml(run.id)}">
<td><a href="/run?${id}">${escapeHtml(run.name)}</a></td><td>${escapeHtml(run.model)}</td><td>${escapeHtml(run.data)}</td>
<td>${run.method}</td><td><span class="status status-${run.status}">${run.status}</span></td>
<td class="num">${formatPercent(run.testAcc)}</td><td class="num">${formatFraction(run.macsFraction)}</td><td class="num">${epochs}</td>
<td><a href="/run/report?${id}">report</a></td></tr>`;
}

function sweepLine(sweep: SweepRow): string {
  const link = `<a href="/sweep?${query({ id: sweep.id })}">${escapeHtml(sweep.id === '.' ? 'sweep' : sweep.id)}</a>`;
  if (sweep.problem !== null) return `<tr data-sweep="${escapeHtml(sweep.id)}"><td>${link}</td><td colspan="3" class="meta">${escapeHtml(sweep.problem)}</td></tr>`;
  return `<tr data-sweep="${escapeHtml(sweep.id)}"><td>${link}</td><td>${escapeHtml(sweep.model)}</td><td>${escapeHtml(sweep.data)}</td><td class="num">${sweep.points} / ${sweep.settings}</td></tr>`;
}

export function runListPage(runs: readonly RunRow[], sweeps: readonly SweepRow[]): string {
  const runTable = runs.length === 0
    ? '<p class="meta">No run directories (folders holding config.json) were found.</p>'
    : `<table id="runs"><thead><tr><th>Run</th><th>Model</th><th>Data</th><th>Method</th><th>Status</th><th>Test acc.</th><th>MACs kept</th><th>Epochs</th><th></th></tr></thead>
<tbody>${runs.map(runLine).join('\n')}</tbody></table>`;
  const sweepTable = sweeps.length === 0
    ? '<p class="meta">No sweep directories (folders holding sweep.json) were found.</p>'
    : `<table id="sweeps"><thead><tr><th>Sweep</th><th>Model</th><th>Data</th><th>Points done</th></tr></thead>
<tbody>${sweeps.map(sweepLine).join('\n')}</tbody></table>`;
  return page({
    title: 'Runs',
    body: `<h1>Runs</h1>${runTable}<h2>Sweeps</h2>${sweepTable}
<p class="meta">"running": no summary.json yet and files changed recently; "unfinished": no summary.json and no recent change (stopped, failed or killed).</p>`,
  });
}
