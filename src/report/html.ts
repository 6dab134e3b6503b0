// Assembles a report page: a header, sections holding a chart (a Vega-Lite spec drawn by vega-embed)
// or ready HTML, the inlined vega libraries, and nothing fetched from the network.
import { inlineVegaScripts, scriptSafe } from './vega-scripts.js';

/** A Vega-Lite specification as plain JSON (its data inlined as `values`). */
export type VegaLiteSpec = Record<string, unknown>;

export interface ReportSection {
  title: string;
  /** Shown under the title: how to read the panel, or why it is missing. */
  note?: string;
  chart?: VegaLiteSpec;
  /** Ready HTML (escaped by the caller). */
  html?: string;
}

export interface ReportPage {
  title: string;
  /** Facts shown under the title as label: value pairs. */
  facts: [string, string][];
  sections: ReportSection[];
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** JSON that can sit inside a <script> element (`<` escaped, so no tag can close it). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 1100px; padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; margin-bottom: 0.3em; }
h2 { font-size: 1.15em; margin: 1.8em 0 0.3em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: 0.15em 1em; margin: 0.5em 0 1em; }
dl.facts dt { color: #666; } dl.facts dd { margin: 0; }
p.note { color: #555; margin: 0.2em 0 0.6em; font-size: 0.95em; }
table { border-collapse: collapse; font-size: 0.92em; } th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: right; }
th { background: #f5f5f5; } td.left, th.left { text-align: left; } code { font-size: 0.9em; }
.chart { min-height: 60px; }
`;

// Draws every chart; a failure shows its message in place instead of leaving a blank panel.
const DRAW = `
(function () {
  var specs = JSON.parse(document.getElementById('report-specs').textContent);
  Object.keys(specs).forEach(function (id) {
    var el = document.getElementById(id);
    vegaEmbed(el, specs[id], { renderer: 'svg', actions: false }).catch(function (error) {
      el.textContent = 'chart failed to draw: ' + error;
    });
  });
})();
`;

export function renderPage(page: ReportPage): string {
  const specs: Record<string, VegaLiteSpec> = {};
  const body = page.sections.map((section, i) => {
    const parts = [`<section>`, `<h2>${escapeHtml(section.title)}</h2>`];
    if (section.note !== undefined) parts.push(`<p class="note">${escapeHtml(section.note)}</p>`);
    if (section.chart !== undefined) {
      const id = `chart-${i}`;
      specs[id] = section.chart;
      parts.push(`<div class="chart" id="${id}"></div>`);
    }
    if (section.html !== undefined) parts.push(section.html);
    parts.push('</section>');
    return parts.join('\n');
  });
  const facts = page.facts.map(([label, value]) => `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`).join('');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(page.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeHtml(page.title)}</h1>`,
    `<dl class="facts">${facts}</dl>`,
    ...body,
    inlineVegaScripts(),
    `<script type="application/json" id="report-specs">${scriptJson(specs)}</script>`,
    `<script>${scriptSafe(DRAW)}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
