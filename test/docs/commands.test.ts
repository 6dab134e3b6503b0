// The docs' commands work as a user types them in a clone (issue 19). Every shell command of
// README.md and docs/*.md is run through `npx catrain` from a folder inside the clone, or is listed
// with the reason it is not (plan.ts says what is shortened, replaced or skipped, and why); each one
// run must exit 0 and print no stack trace, and every catrain command uses only options that exist.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { CIFAR10_DIR, NO_CIFAR10 } from '../helpers/shared-data.js';
import { writeSensorLog, writeSmallCifar10 } from './data.js';
import { docCommands, markdownCommands, splitCommands } from './extract.js';
import { catrainBins, optionProblems, root, SHELL_ENV, workFolder } from './context.js';
import { plan, where, type Listings } from './plan.js';
import { failures, run, runStep } from './shell.js';

test('the bin is executable after the build, and `npx catrain --help` exits 0', async () => {
  // Checked on the file: the first `npx catrain` on a machine links the bin into npx's cache and
  // sets the bit itself, which would hide a build that leaves it off until the next rebuild.
  for (const bin of catrainBins) assert.ok((statSync(path.join(root, bin)).mode & 0o111) !== 0, `${bin} is not executable`);
  const help = await run(['npx', 'catrain', '--help'], { cwd: root, env: SHELL_ENV, timeoutMs: 60_000 });
  assert.deepEqual(failures(help), []);
  assert.match(help.stdout, /^Usage: catrain/);
});

test('every shell command of README.md and docs/*.md runs as a user types it, or is listed with its reason', { skip: NO_CIFAR10, timeout: 15 * 60_000 }, async (t) => {
  const work = workFolder('docs');
  try {
    mkdirSync(path.join(work, 'tmp'));
    const cifar10 = writeSmallCifar10(CIFAR10_DIR, path.join(work, 'cifar-10-batches-bin'));
    const commands = docCommands(root);
    const sensorLog = writeSensorLog(path.join(work, 'data', 'line3.csv'));
    const { steps, listed, problems } = plan(commands, { work, cifar10, clone: root, sensorLog });
    problems.push(...optionProblems(commands));
    for (const { command, reason } of listed) t.diagnostic(`not run: ${where(command)} (${reason})`);
    assert.ok(steps.length > 0, 'the docs have commands to run');
    for (const step of steps) {
      const began = Date.now();
      const found = await runStep(step, { cwd: work, env: SHELL_ENV, timeoutMs: 180_000 });
      const asWritten = step.asWritten === undefined ? '' : ` (as written: ${step.asWritten})`;
      t.diagnostic(`ran in ${((Date.now() - began) / 1000).toFixed(1)} s: ${step.argv.join(' ')}${asWritten}`);
      if (found.length > 0) problems.push(`${where(step.command)}\n    ran: ${step.argv.join(' ')}\n    ${found.join('\n    ')}`);
    }
    assert.ok(problems.length === 0, `${problems.length} problem(s):\n${problems.join('\n')}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('shell text is split into commands as sh reads it: quotes, continuation lines, comments', () => {
  const text = "npx catrain train --protect 'layer3.*' \\\n  --out \"runs/a b\"   # it's a comment\n\n# a whole-line comment\necho a\\ b#c";
  assert.deepEqual(
    splitCommands('x.md', text, 10).map((c) => [c.line, c.text, c.words]),
    [
      [10, `npx catrain train --protect 'layer3.*' --out "runs/a b"`, ['npx', 'catrain', 'train', '--protect', 'layer3.*', '--out', 'runs/a b']],
      [14, 'echo a\\ b#c', ['echo', 'a b#c']],
    ],
  );
  assert.throws(() => splitCommands('x.md', "echo 'open"), /x\.md:1: a quote \('\) is never closed/);
});

test('the check reports an unknown option, a command neither run nor listed, a stale listing and a stack trace', async () => {
  const doc = ['```sh', 'npx catrain info --model resnet20 --frobnicate   # a misspelt option', 'bash bench/new.sh', '```'].join('\n');
  const commands = markdownCommands('self-check.md', doc);
  assert.deepEqual(
    commands.map((c) => [c.line, c.text]),
    [[2, 'npx catrain info --model resnet20 --frobnicate'], [3, 'bash bench/new.sh']],
  );
  assert.deepEqual(optionProblems(commands), [
    'self-check.md:2: npx catrain info --model resnet20 --frobnicate\n    --frobnicate is not an option of `catrain info --help`',
  ]);
  const listings: Listings = { notRun: new Map([['npm run gone', 'was in a doc once']]), asWritten: new Map() };
  const { steps, problems } = plan(commands, { work: root, cifar10: 'unused', clone: root, sensorLog: 'unused' }, listings);
  assert.deepEqual(
    problems.map((p) => p.split('\n')[0]),
    ['listed in test/docs/plan.ts, but no doc has it any more: npm run gone', 'self-check.md:3: bash bench/new.sh'],
  );
  // Run, the command is reported too: commander refuses the option.
  assert.equal(steps.length, 1);
  const found = (await runStep(steps[0]!, { cwd: root, env: SHELL_ENV, timeoutMs: 60_000 })).join('\n');
  assert.match(found, /exited with 2/);
  assert.match(found, /unknown option '--frobnicate'/);
  const crash = { code: 1, signal: null, stdout: '', stderr: 'TypeError: x is undefined\n    at main (file:///a/b.js:3:9)\n', timedOut: false };
  assert.match(failures(crash).join('\n'), /printed a stack trace/);
});
