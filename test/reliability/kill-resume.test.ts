// A few kill -9 trials, one of each kind (the full count is a script: docs/reliability.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTrials } from './kill-resume.js';

test('kill -9 during CAT training: checkpoints stay intact and the resumed run ends bit-identical', async () => {
  const trials = await runTrials(3, 7);
  for (const t of trials) {
    assert.ok(t.checkpointIntact, `${t.moment}: the checkpoint left by the kill loads`);
    assert.ok(t.identical, `${t.moment}: weights, gates and architecture equal the uninterrupted run's`);
  }
  assert.ok(trials.some((t) => t.killed), 'at least one trial was killed mid-run');
});
