#!/usr/bin/env node
// Prints a markdown table of finished runs, the first named run being the reference (usually dense):
//   node bench/cat/summarize.mjs REF_DIR [RUN_DIR...]
// Columns: test top-1, MACs and parameters kept, blocks removed, gates unsettled at the settle step,
// training time and its ratio to the reference, and the per-epoch training seconds.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  console.error('usage: node bench/cat/summarize.mjs REF_DIR [RUN_DIR...]');
  process.exit(2);
}
const read = (dir, file) => JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
const reference = read(dirs[0], 'summary.json');
console.log('| run | top-1 | MACs kept | params kept | blocks removed | unsettled gates | train s | time vs ref | epoch s |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const dir of dirs) {
  const s = read(dir, 'summary.json');
  const pct = (x) => `${(100 * x).toFixed(1)}%`;
  const epochs = s.epoch_seconds.map((x) => Math.round(x)).join(' ');
  console.log(`| ${path.basename(dir)} | ${s.test_acc.toFixed(2)}% | ${pct(s.final.macs / s.baseline.macs)} | ${pct(s.final.params / s.baseline.params)} | ${s.blocks_removed} | ${s.gates_rounded ?? s.gates_nonbinary} | ${Math.round(s.train_seconds)} | ${(s.train_seconds / reference.train_seconds).toFixed(2)} | ${epochs} |`);
}
