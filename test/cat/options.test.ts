// The option table is the one declaration of every CAT option: the defaults, the problem messages and
// the derived defaults all come from its rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CAT_OPTIONS, CAT_OPTION_FIELDS, DEFAULT_CAT, catProblems, optionLabel, optionRow, resolveCatOptions, type CatOptions } from '../../src/cat/index.js';

/** A value of the wrong kind for a row: every check must refuse it. */
function invalidFor(field: keyof CatOptions): unknown {
  const kind = optionRow(field).value.kind;
  return kind === 'number' ? Number.NaN : kind === 'integer' ? 0.5 : kind === 'flag' ? 'yes' : kind === 'choice' ? 'bogus' : [''];
}

test('DEFAULT_CAT has one field per row, each default passes its own check', () => {
  assert.deepEqual(Object.keys(DEFAULT_CAT), Object.keys(CAT_OPTIONS));
  assert.deepEqual(CAT_OPTION_FIELDS, Object.keys(CAT_OPTIONS));
  for (const field of CAT_OPTION_FIELDS) assert.deepEqual(DEFAULT_CAT[field], optionRow(field).default, field);
  assert.deepEqual(catProblems(DEFAULT_CAT, 15), []);
});

test('every problem names the option by field and flag', () => {
  for (const field of CAT_OPTION_FIELDS) {
    const problems = catProblems({ ...DEFAULT_CAT, [field]: invalidFor(field) } as CatOptions, 15);
    assert.equal(problems.length, 1, `${field}: ${problems.join('; ')}`);
    assert.ok(problems[0]?.startsWith(optionLabel(field)), problems[0]);
    assert.match(optionLabel(field), new RegExp(`^${field} \\(--[a-z-]+\\)$`));
  }
  const crossed = catProblems({ ...DEFAULT_CAT, unitsOnly: true, layersOnly: true, targetMacs: 0.5, targetParams: 0.5 }, 15);
  assert.deepEqual(crossed, ['give one budget, not targetMacs (--target-macs) and targetParams (--target-params)', 'unitsOnly (--units-only) and layersOnly (--layers-only) exclude each other']);
  assert.match(catProblems({ ...DEFAULT_CAT, pruneBy: 0.95 }, 15)[0] ?? '', /^pruneBy \(--prune-by\) must be after the gate warm-up .* no later than the settle step \(0\.90, settleFraction \(--settle-fraction\)\)/);
});

test('a dense run is cat: null, so strength 0 is not a CAT setting', () => {
  assert.match(catProblems({ ...DEFAULT_CAT, strength: 0 }, 15)[0] ?? '', /^strength \(--strength\) must be a number > 0/);
});

test('options left unset take their row default or the value the row derives from the run', () => {
  assert.deepEqual(resolveCatOptions({}, { epochs: 15 }), DEFAULT_CAT);
  const short = resolveCatOptions({}, { epochs: 2 });
  assert.deepEqual([short.gateWarmupEpochs, short.gateCrossEpochs, short.patienceEpochs], [0.2, 0.2, 0.2]);
  // With a budget: prune early and fine-tune long, favouring blocks (docs/results.md, "Short pilots").
  const budget = resolveCatOptions({ targetMacs: 0.5 }, { epochs: 15 });
  assert.deepEqual([budget.pruneBy, budget.settleFraction, budget.layerPreference], [0.15, 0.75, 4]);
  assert.deepEqual(catProblems(budget, 15), []);
  const lateWarmup = resolveCatOptions({ targetMacs: 0.5, gateWarmupEpochs: 3 }, { epochs: 15 });
  assert.deepEqual([lateWarmup.pruneBy, lateWarmup.settleFraction], [0.25, 0.65]);
  assert.deepEqual(catProblems(lateWarmup, 15), []);
  assert.equal(resolveCatOptions({ targetParams: 0.2, pruneBy: 0.5 }, { epochs: 15 }).settleFraction, 0.4);
  assert.deepEqual(catProblems(resolveCatOptions({ targetMacs: 0.5 }, { epochs: 3 }), 3), []);
  assert.equal(resolveCatOptions({ gateWarmupEpochs: 1 }, { epochs: 2 }).gateWarmupEpochs, 1);
  assert.equal(resolveCatOptions({ targetMacs: 0.5 }, { epochs: 15 }).flopsShare, 1);
  assert.equal(resolveCatOptions({ targetParams: 0.5 }, { epochs: 15 }).flopsShare, 0);
  assert.equal(resolveCatOptions({ targetParams: 0.5, flopsShare: 0.3 }, { epochs: 15 }).flopsShare, 0.3);
  // The defaults are copies: changing a resolved list leaves the table alone.
  resolveCatOptions({}, { epochs: 15 }).protect.push('x');
  assert.deepEqual(DEFAULT_CAT.protect, []);
  assert.deepEqual(optionRow('protect').default, []);
});
