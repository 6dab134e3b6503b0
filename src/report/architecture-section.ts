// The final architecture panel: the input the network reads, the before/after table `catrain train`
// prints, and the layers of the saved network with their weight shapes.
import type { Architecture } from '../cat/index.js';
import { architectureTable } from './architecture-table.js';
import type { RunSummary } from '../train/index.js';
import { escapeHtml } from './html.js';

/** One example's shape in words: [C, L] is channels by time steps, [C, H, W] channels by pixels. */
export function inputShapeText(shape: readonly number[]): string {
  const [channels = 0, ...rest] = shape;
  const counted = `${channels} channel${channels === 1 ? '' : 's'}`;
  return rest.length === 1 ? `${counted} x ${rest[0]} time steps` : `${counted} x ${rest.join(' x ')} pixels`;
}

export function architectureHtml(architecture: Architecture, summary: RunSummary | undefined): string {
  const input = `<p>input [${architecture.input_shape.join(', ')}] per example: ${escapeHtml(inputShapeText(architecture.input_shape))}</p>`;
  const table = `${input}\n<pre>${escapeHtml(architectureTable(architecture, summary))}</pre>`;
  const rows = architecture.layers
    .map((l) => `<tr><td class="left"><code>${escapeHtml(l.module)}</code></td><td class="left">${escapeHtml(l.op)}</td><td class="left">${escapeHtml(l.weight_shape.length > 0 ? `[${l.weight_shape.join(', ')}]` : '—')}</td></tr>`)
    .join('\n');
  const layers = `<table><thead><tr><th class="left">layer</th><th class="left">operation</th><th class="left">weight shape</th></tr></thead><tbody>\n${rows}\n</tbody></table>`;
  return `${table}\n${layers}`;
}
