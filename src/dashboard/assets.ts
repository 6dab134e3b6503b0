// The scripts pages load, from the installed vega packages' browser builds, so charts draw offline.
// Only these names are served; nothing else of node_modules is reachable.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { DASHBOARD_SCRIPT } from './browser-script.js';

const require = createRequire(import.meta.url);

/** Each package's entry lies in its build folder, next to the minified browser bundle. */
function browserBuild(pkg: string, file: string): string {
  return path.join(path.dirname(require.resolve(pkg)), file);
}

const PACKAGE_ASSETS: Readonly<Record<string, () => string>> = {
  'vega.js': () => browserBuild('vega', 'vega.min.js'),
  'vega-lite.js': () => browserBuild('vega-lite', 'vega-lite.min.js'),
  'vega-embed.js': () => browserBuild('vega-embed', 'vega-embed.min.js'),
};

const cache = new Map<string, string>();

/** The script named `name`, or null for any other name. */
export async function asset(name: string): Promise<string | null> {
  if (name === 'dashboard.js') return DASHBOARD_SCRIPT;
  const locate = Object.hasOwn(PACKAGE_ASSETS, name) ? PACKAGE_ASSETS[name] : undefined;
  if (locate === undefined) return null;
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  // The source maps the bundles point to are not served; browsers only warn about them.
  const text = (await readFile(locate(), 'utf8')).replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
  cache.set(name, text);
  return text;
}
