// What the dashboard finds under its root and how it reads each run: nested runs and sweeps, links
// inside the root followed once, links out of it ignored; status, method, accuracy and MACs from
// the files of finished, running and stopped runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeRun, discover } from '../../src/dashboard/index.js';
import { logRecord, writeHandRun } from './helpers.js';

function withRoot(fn: (root: string, outside: string) => void): () => void {
  return () => {
    const base = realpathSync(mkdtempSync(path.join(tmpdir(), 'catrain-dash-disc-')));
    const root = path.join(base, 'runs');
    const outside = path.join(base, 'outside');
    mkdirSync(root);
    mkdirSync(outside);
    try {
      fn(root, outside);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  };
}

test(
  'finds nested runs and sweeps, follows links inside the root once and none out of it',
  withRoot((root, outside) => {
    writeHandRun(path.join(root, 'a'));
    writeHandRun(path.join(root, 'group', 'b'));
    mkdirSync(path.join(root, 'sw'));
    writeFileSync(path.join(root, 'sw', 'sweep.json'), '{}');
    writeHandRun(path.join(root, 'sw', 'strength-1'));
    mkdirSync(path.join(root, 'empty'));
    writeHandRun(path.join(outside, 'secret-run'));
    symlinkSync(path.join(outside, 'secret-run'), path.join(root, 'escape'));
    symlinkSync(path.join(root, 'group'), path.join(root, 'zz-alias'));
    symlinkSync(root, path.join(root, 'group', 'loop'));

    const found = discover(root);
    assert.deepEqual(found.runs.map((r) => r.id).sort(), ['a', 'group/b', 'sw/strength-1']);
    assert.deepEqual(found.sweeps.map((s) => s.id), ['sw']);
    assert.equal(found.runs.find((r) => r.id === 'sw/strength-1')?.sweepId, 'sw');
    assert.equal(found.runs.find((r) => r.id === 'a')?.sweepId, null);
    assert.ok(found.runs.every((r) => !r.dir.startsWith(outside)));
  }),
);

test(
  'the root itself can be a run',
  withRoot((root) => {
    writeHandRun(root);
    const found = discover(root);
    assert.deepEqual(found.runs.map((r) => r.id), ['.']);
    assert.equal(describeRun(found.runs[0]!).name, 'runs');
  }),
);

test(
  'a finished run reads its summary; a run still writing is running; one left alone is unfinished',
  withRoot((root) => {
    const summary = { method: 'cat', test_acc: 97.5, baseline: { macs: 1000 }, final: { macs: 250 } };
    writeHandRun(path.join(root, 'done'), { records: [logRecord(1, 90, 1), logRecord(2, 95, 0.4), logRecord(3, 97, 0.25)], summary });
    writeHandRun(path.join(root, 'live'), { cat: false, epochs: 5, records: [logRecord(1, 80, 1), logRecord(2, 85, 1)] });
    // A torn last line, as a kill mid-write leaves it: skipped, the epochs before it still count.
    appendFileSync(path.join(root, 'live', 'log.jsonl'), '{"epoch": 3, "test_');
    writeHandRun(path.join(root, 'stopped'), { records: [logRecord(1, 70, 0.9)] });
    const old = new Date(Date.now() - 3 * 3600 * 1000);
    for (const name of ['config.json', 'log.jsonl']) utimesSync(path.join(root, 'stopped', name), old, old);

    const rows = new Map(discover(root).runs.map((entry) => [entry.id, describeRun(entry)]));
    assert.deepEqual(
      { ...rows.get('done'), sweepId: undefined },
      { id: 'done', name: 'done', model: 'lenet300', data: 'mnist', method: 'CAT', status: 'finished', testAcc: 97.5, macsFraction: 0.25, epochsDone: 3, epochsPlanned: 3, workers: 1, sweepId: undefined, examples: 'images' },
    );
    const live = rows.get('live');
    assert.equal(live?.status, 'running');
    assert.equal(live?.method, 'dense');
    assert.equal(live?.epochsDone, 2);
    assert.equal(live?.testAcc, 85);
    assert.equal(live?.epochsPlanned, 5);
    const stopped = rows.get('stopped');
    assert.equal(stopped?.status, 'unfinished');
    assert.equal(stopped?.macsFraction, 0.9);
  }),
);
