// The dashboard is local and read-only: it binds 127.0.0.1, answers only GET and HEAD for its own
// host name, serves only allow-listed files of discovered runs, and refuses every path traversal
// (.., encoded %2e%2e and %2F, absolute paths, symlinks out of the root) with a plain error that
// names no path. Requests go through node's http so the paths reach the server unnormalised.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDashboard, type Dashboard } from '../../src/dashboard/index.js';
import { rawRequest, readEvents, writeHandRun } from './helpers.js';

const SECRET = 'TOP-SECRET-OUTSIDE-THE-ROOT';
let base: string;
let root: string;
let dashboard: Dashboard;

before(async () => {
  base = realpathSync(mkdtempSync(path.join(tmpdir(), 'catrain-dash-sec-')));
  root = path.join(base, 'runs');
  const outside = path.join(base, 'outside');
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'secret.txt'), SECRET);
  writeHandRun(path.join(outside, 'foreign-run'), { records: [{ epoch: 1, note: SECRET }] });
  writeHandRun(path.join(root, 'good'), { summary: { method: 'cat', test_acc: 91 } });
  // A run whose log is a link to a file outside the root.
  writeHandRun(path.join(root, 'leaky'));
  rmSync(path.join(root, 'leaky', 'log.jsonl'));
  symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'leaky', 'log.jsonl'));
  symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'leaky', 'summary.json'));
  // A run directory that is a link out of the root.
  symlinkSync(path.join(outside, 'foreign-run'), path.join(root, 'linked'));
  dashboard = await startDashboard({ runsDir: root, port: 0, onError: () => undefined });
});

after(async () => {
  await dashboard.close();
  rmSync(base, { recursive: true, force: true });
});

test('binds 127.0.0.1 by default', () => {
  assert.equal(dashboard.host, '127.0.0.1');
  assert.match(dashboard.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
});

test('serves the allow-listed files of a run, never its weights', async () => {
  const config = await rawRequest(dashboard.port, '/run/file?id=good&name=config.json');
  assert.equal(config.status, 200);
  assert.equal(JSON.parse(config.body).model, 'lenet300');
  assert.match(String(config.headers['content-type']), /application\/json/);
  assert.equal((await rawRequest(dashboard.port, '/run/file?id=good&name=log.jsonl')).status, 200);
  assert.equal((await rawRequest(dashboard.port, '/run/file?id=good&name=summary.json')).status, 200);
  for (const name of ['model.safetensors', 'checkpoint.safetensors', 'sweep.json', '']) {
    const response = await rawRequest(dashboard.port, `/run/file?id=good&name=${name}`);
    assert.equal(response.status, 404, name);
    assert.doesNotMatch(response.body, /WEIGHTS/);
  }
});

const TRAVERSALS = [
  '/run/file?id=..&name=secret.txt',
  '/run/file?id=../outside&name=secret.txt',
  '/run/file?id=good/../../outside&name=secret.txt',
  '/run/file?id=%2e%2e%2Foutside&name=secret.txt',
  '/run/file?id=good&name=../../outside/secret.txt',
  '/run/file?id=good&name=..%2F..%2Foutside%2Fsecret.txt',
  '/run/file?id=good&name=%2e%2e%2f%2e%2e%2foutside%2fsecret.txt',
  `/run/file?id=good&name=${encodeURIComponent('/etc/passwd')}`,
  '/run/file?id=/etc&name=passwd',
  '/run/file?id=good&id=..&name=config.json',
  '/run?id=linked',
  '/run/file?id=linked&name=log.jsonl',
  '/run/file?id=leaky&name=log.jsonl',
  '/run/file?id=leaky&name=summary.json',
  '/run/report?id=leaky',
  '/run/report?id=linked',
  '/sweep?id=..',
  '/assets/..%2F..%2Fpackage.json',
  '/assets/%2e%2e%2f%2e%2e%2fpackage.json',
  '/assets/../../package.json',
  '/assets/%2Fetc%2Fpasswd',
  '/../../../../etc/passwd',
  '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
  '/run/..%2F..%2F..%2Fetc%2Fpasswd',
  '//etc/passwd',
  '/etc/passwd',
  `/${'..%2F'.repeat(12)}etc%2Fpasswd`,
  '/%zz',
];

test('path traversal is refused with a plain 404 or 400 that names no path', async () => {
  for (const rawPath of TRAVERSALS) {
    const response = await rawRequest(dashboard.port, rawPath);
    assert.ok(response.status === 404 || response.status === 400, `${rawPath}: ${response.status}`);
    assert.match(String(response.headers['content-type']), /^text\/plain/, rawPath);
    assert.ok(!response.body.includes(SECRET) && !response.body.includes(base) && !response.body.includes('root:'), `${rawPath} leaked: ${response.body}`);
    assert.ok(response.body.length < 80, `${rawPath}: a short message, got ${response.body}`);
  }
});

test('the live stream of a run whose log links out of the root sends nothing of it', async () => {
  const events = await readEvents(dashboard.port, '/run/events?id=leaky', () => false);
  assert.ok(events.every((e) => !e.data.includes(SECRET)));
  assert.ok(!events.some((e) => e.event === 'record'));
});

test('only GET and HEAD: anything else is 405 and changes nothing', async () => {
  for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
    const response = await rawRequest(dashboard.port, '/run/file?id=good&name=config.json', { method });
    assert.equal(response.status, 405, method);
    assert.equal(response.headers.allow, 'GET, HEAD');
  }
  const head = await rawRequest(dashboard.port, '/', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
});

test('requests for another host name (DNS rebinding) are refused', async () => {
  assert.equal((await rawRequest(dashboard.port, '/', { host: 'attacker.example' })).status, 400);
  assert.equal((await rawRequest(dashboard.port, '/', { host: `evil.example:${dashboard.port}` })).status, 400);
  assert.equal((await rawRequest(dashboard.port, '/', { host: `localhost:${dashboard.port}` })).status, 200);
});

test('pages carry a content security policy that keeps data on this host', async () => {
  const response = await rawRequest(dashboard.port, '/');
  assert.match(String(response.headers['content-security-policy']), /connect-src 'self'/);
  assert.equal(response.headers['x-content-type-options'], 'nosniff');
  assert.match(response.body, /good/);
  assert.doesNotMatch(response.body, /linked|foreign-run/);
});
