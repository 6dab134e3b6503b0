// The final architecture panel: the before/after table `catrain train` prints, and the layers of
// the saved network with their weight shapes.
import type { Architecture } from '../cat/index.js';
import { architectureTable } from './architecture-table.js';
import type { RunSummary } from '../train/index.js';
import { escapeHtml } from './html.js';

export function architectureHtml(architecture: Architecture, summary: RunSummary | undefined): string {
  const table = `<pre>${escapeHtml(architectureTable(architecture, summary))}</pre>`;
  const rows = architecture.layers
    .map((l) => `<tr><td class="left"><code>${escapeHtml(l.module)}</code></td><td class="left">${escapeHtml(l.op)}</td><td class="left">${escapeHtml(l.weight_shape.length > 0 ? `[${l.weight_shape.join(', ')}]` : '—')}</td></tr>`)
    .join('\n');
  const layers = `<table><thead><tr><th class="left">layer</th><th class="left">operation</th><th class="left">weight shape</th></tr></thead><tbody>\n${rows}\n</tbody></table>`;
  return `${table}\n${layers}`;
}
