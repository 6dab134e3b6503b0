// Start-up failures end with catrain's one-line message and a non-zero exit, never a stack trace:
// a missing or broken addon, an invalid CATRAIN_THREADS. `catrain --help` needs no addon at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { catrainWithEnv as catrain } from '../helpers/cli.js';



const noStack = (stderr: string): void => assert.doesNotMatch(stderr, /^\s+at .+:\d+:\d+\)?$/m, `no stack trace:\n${stderr}`);

test('--help works without the addon', () => {
  const help = catrain({ CATRAIN_NATIVE: '/nonexistent/catrain_native.node' }, '--help');
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /Usage: catrain/);
});

test('a missing addon, a broken addon and an invalid CATRAIN_THREADS each give one clear line and exit 1', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'catrain-startup-'));
  try {
    const broken = path.join(root, 'broken.node');
    writeFileSync(broken, 'not a shared library');
    const cases: [Record<string, string>, RegExp][] = [
      [{ CATRAIN_NATIVE: path.join(root, 'missing.node') }, /^catrain: the native addon is not built \(.*missing\.node is missing\)\. Run `npm run build:native`/],
      [{ CATRAIN_NATIVE: broken }, /^catrain: cannot load the native addon .*broken\.node: .*rebuild with `npm run build:native`/],
      [{ CATRAIN_THREADS: 'abc' }, /^catrain: CATRAIN_THREADS must be a positive integer .* got 'abc'/],
      [{ CATRAIN_THREADS: '0' }, /^catrain: CATRAIN_THREADS must be a positive integer .* got '0'/],
    ];
    for (const [env, message] of cases) {
      const { status, stderr } = catrain(env, 'info', '--model', 'lenet300');
      assert.equal(status, 1, `${JSON.stringify(env)}: ${stderr}`);
      assert.match(stderr, message);
      noStack(stderr);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
