// The browser builds of vega, vega-lite and vega-embed, read from the installed packages and made
// safe to inline in a <script> element, so a report draws its charts with no network access.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

// The packages export only their entry modules; the minified browser bundle sits next to each.
const BUNDLES = [
  ['vega', 'vega.min.js'],
  ['vega-lite', 'vega-lite.min.js'],
  ['vega-embed', 'vega-embed.min.js'],
] as const;

/** Text that may sit inside <script>...</script>: no `</script` (or `<!--`) can end or confuse it. */
export function scriptSafe(text: string): string {
  return text.replace(/<\/script/gi, '<\\/script').replace(/<!--/g, '<\\!--');
}

let cached: string | undefined;

/** The three bundles as inline <script> elements, in load order. */
export function inlineVegaScripts(): string {
  if (cached !== undefined) return cached;
  cached = BUNDLES.map(([pkg, file]) => {
    const bundle = path.join(path.dirname(require.resolve(pkg)), file);
    // The source-map comment would point the browser's tools at a file the report does not carry.
    const text = readFileSync(bundle, 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
    return `<script data-library="${pkg}">\n${scriptSafe(text)}\n</script>`;
  }).join('\n');
  return cached;
}
