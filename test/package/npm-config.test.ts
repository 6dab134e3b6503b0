// npm in a clone (issue 19): the repository's .npmrc holds only settings npm knows, so no npm command
// warns about it, and they turn install scripts off, so that a plain `npm ci` skips onnxruntime-node's
// download of CUDA providers from outside the npm registry (.npmrc says why this way).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { shellEnvironment } from '../docs/shell.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

test("npm reads the repository's config without a warning, with install scripts off", () => {
  const result = spawnSync('npm', ['config', 'get', 'ignore-scripts'], { cwd: root, encoding: 'utf8', env: shellEnvironment(), timeout: 60_000 });
  assert.equal(result.status, 0, result.stderr);
  assert.doesNotMatch(result.stderr, /^npm warn/im);
  assert.equal(result.stdout.trim(), 'true');
});
