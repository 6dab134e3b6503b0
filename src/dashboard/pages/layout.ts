// The frame every dashboard page shares: header, styles, and the chart scripts served from the
// local vega packages (no network needed).
import { escapeHtml } from '../html.js';

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1d2430; background: #f6f7f9; }
header { background: #1d2430; color: #fff; padding: 10px 24px; display: flex; gap: 24px; align-items: baseline; }
header a { color: #cfe0ff; text-decoration: none; }
header .brand { font-weight: 600; font-size: 16px; color: #fff; }
main { padding: 16px 24px 40px; max-width: 1200px; }
h1 { font-size: 20px; margin: 8px 0 12px; } h2 { font-size: 16px; margin: 22px 0 8px; }
table { border-collapse: collapse; background: #fff; }
th, td { padding: 5px 10px; border-bottom: 1px solid #e3e6ea; text-align: left; white-space: nowrap; }
th { background: #eef1f4; font-weight: 600; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
a { color: #1f5fbf; }
.status { padding: 1px 8px; border-radius: 10px; font-size: 12px; }
.status-running { background: #dff3e4; color: #17692f; } .status-finished { background: #e3ebf8; color: #234a86; }
.status-unfinished { background: #f8e5e3; color: #8a2a1f; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; } .chart { background: #fff; padding: 8px; border: 1px solid #e3e6ea; }
.meta { color: #5a6472; } .answer { background: #fff; border: 1px solid #c9d6ea; padding: 10px 14px; margin-top: 10px; max-width: 900px; }
.answer code { display: block; white-space: pre-wrap; word-break: break-all; background: #f1f3f6; padding: 6px; margin-top: 6px; }
form.budget { display: flex; gap: 8px; align-items: center; background: #fff; padding: 10px 14px; border: 1px solid #e3e6ea; width: fit-content; }
tr.front td:first-child { font-weight: 600; } tr.chosen { background: #fff6d6; }
`;

export interface PageOptions {
  title: string;
  body: string;
  /** Loads vega, vega-lite, vega-embed and the dashboard's chart script. */
  charts?: boolean;
}

export function page(options: PageOptions): string {
  const scripts = options.charts === true
    ? ['/assets/vega.js', '/assets/vega-lite.js', '/assets/vega-embed.js', '/assets/dashboard.js'].map((src) => `<script src="${src}"></script>`).join('\n')
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)} · catrain dashboard</title><style>${STYLE}</style>
${scripts}
</head><body>
<header><a class="brand" href="/">catrain dashboard</a><a href="/">Runs and sweeps</a></header>
<main>
${options.body}
</main>
</body></html>
`;
}
