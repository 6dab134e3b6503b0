// Following a growing log.jsonl: only completed lines become records (a line is held back until its
// newline, even when a multi-byte character is split across reads), and a rewritten log restarts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LogFollower } from '../../src/dashboard/log-follow.js';

test('records come only from completed lines; a shrunk or replaced log resets', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'catrain-dash-follow-'));
  try {
    const file = path.join(dir, 'log.jsonl');
    const follower = new LogFollower(file);
    assert.deepEqual(await follower.poll(), { reset: false, records: [] });

    const line = `${JSON.stringify({ epoch: 1, note: 'größe' })}\n`;
    const bytes = Buffer.from(line, 'utf8');
    const split = bytes.indexOf(Buffer.from('ö', 'utf8')) + 1; // inside the two bytes of 'ö'
    writeFileSync(file, bytes.subarray(0, split));
    assert.deepEqual(await follower.poll(), { reset: false, records: [] });
    appendFileSync(file, bytes.subarray(split));
    assert.deepEqual(await follower.poll(), { reset: false, records: [{ epoch: 1, note: 'größe' }] });
    assert.deepEqual(await follower.poll(), { reset: false, records: [] });

    appendFileSync(file, `${JSON.stringify({ epoch: 2 })}\nnot json\n${JSON.stringify({ epoch: 3 })}\n`);
    assert.deepEqual((await follower.poll()).records, [{ epoch: 2 }, { epoch: 3 }]);

    // A resume rewrites the log whole through a temporary file: a new file, here shorter.
    writeFileSync(`${file}.tmp`, `${JSON.stringify({ epoch: 1 })}\n`);
    renameSync(`${file}.tmp`, file);
    assert.deepEqual(await follower.poll(), { reset: true, records: [{ epoch: 1 }] });

    // Replaced by a longer file: the inode changed, so it restarts although it grew.
    writeFileSync(`${file}.tmp`, [1, 2, 3, 4, 5, 6].map((epoch) => `${JSON.stringify({ epoch, pad: 'x'.repeat(40) })}\n`).join(''));
    renameSync(`${file}.tmp`, file);
    const replaced = await follower.poll();
    assert.equal(replaced.reset, true);
    assert.deepEqual(replaced.records.map((r) => r.epoch), [1, 2, 3, 4, 5, 6]);

    rmSync(file);
    assert.deepEqual(await follower.poll(), { reset: true, records: [] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
