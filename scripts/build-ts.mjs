#!/usr/bin/env node
// Compiles the TypeScript into dist/ and marks the package's bin executable. tsc writes every file
// without the executable bit, and `npx catrain` in a clone runs the bin through a link in npm's npx
// cache, which sets the bit only on the run that creates the link: after any later rebuild the
// command would fail with "Permission denied".
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
const { bin } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
for (const file of typeof bin === 'string' ? [bin] : Object.values(bin ?? {})) {
  const target = path.join(root, file);
  chmodSync(target, statSync(target).mode | 0o111);
}
