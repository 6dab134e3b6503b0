// The before/after table printed at the end of `catrain train` and by `catrain info --run`: per
// gated layer its original and final width, which blocks were removed, and the size change.
import type { Architecture } from '../cat/index.js';
import type { RunSummary } from '../train/index.js';

const millions = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : `${(n / 1e3).toFixed(1)} k`);

export function architectureTable(architecture: Architecture, summary?: Pick<RunSummary, 'baseline'>): string {
  const lines: string[] = [];
  const removedBlocks = new Set(architecture.blocks.filter((b) => b.removed).map((b) => b.id));
  if (architecture.groups.length > 0) {
    const width = Math.max(5, ...architecture.groups.map((g) => g.id.length));
    lines.push(`${'layer'.padEnd(width)}  ${'dense'.padStart(6)}  ${'final'.padStart(6)}`);
    for (const g of architecture.groups) {
      const note = g.width === 0 ? '  (block removed)' : '';
      lines.push(`${g.id.padEnd(width)}  ${String(g.initial_width).padStart(6)}  ${String(g.width).padStart(6)}${note}`);
    }
  }
  if (architecture.blocks.length > 0) {
    lines.push(`blocks: ${architecture.blocks.length - removedBlocks.size} of ${architecture.blocks.length} kept${removedBlocks.size > 0 ? `; removed: ${[...removedBlocks].join(', ')}` : ''}`);
  }
  const base = summary?.baseline;
  if (base !== undefined) {
    const pct = (now: number, then: number): string => `${((100 * now) / then).toFixed(1)}%`;
    lines.push(`MACs ${millions(base.macs)} -> ${millions(architecture.macs)} (${pct(architecture.macs, base.macs)}), parameters ${millions(base.params)} -> ${millions(architecture.params)} (${pct(architecture.params, base.params)})`);
  } else {
    lines.push(`MACs ${millions(architecture.macs)}, parameters ${millions(architecture.params)}`);
  }
  return lines.join('\n');
}
