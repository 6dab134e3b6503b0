// The commands `npm run demo` prints at its end (the report and the export of its run) work as
// printed (issue 19). The demo script runs as `npm run demo -- --epochs 2 --train-subset 1024` runs
// it, minus the setup step the suite has already done: the same script and printing, a shorter run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { optionProblems, root, SHELL_ENV, workFolder } from './context.js';
import { splitCommands, type DocCommand } from './extract.js';
import { subcommand, where } from './plan.js';
import { failures, run, runStep } from './shell.js';

/** The value after `option` in a command's words. */
function valueOf(words: readonly string[], option: string): string {
  const at = words.indexOf(option);
  assert.ok(at >= 0 && at + 1 < words.length, `${words.join(' ')} has no ${option}`);
  return words[at + 1] as string;
}

test('the report and export commands the demo prints at its end run as printed', { timeout: 5 * 60_000 }, async () => {
  const work = workFolder('demo');
  try {
    const demoArgs = [path.join(root, 'scripts', 'demo.mjs'), '--epochs', '2', '--train-subset', '1024'];
    const demo = await run([process.execPath, ...demoArgs], { cwd: work, env: SHELL_ENV, timeoutMs: 180_000 });
    assert.deepEqual(failures(demo), []);
    const lines = demo.stdout.split('\n');
    const next = lines.findIndex((line) => line.startsWith('next:'));
    assert.ok(next >= 0, `the demo ends with its next commands:\n${demo.stdout}`);
    const commands = splitCommands('the demo', lines.slice(next + 1).join('\n'));
    assert.deepEqual(commands.map((c) => subcommand(c).join(' ')), ['report', 'export']);
    assert.deepEqual(optionProblems(commands), []);
    for (const command of commands) {
      const found = await runStep({ command, argv: command.words, server: false }, { cwd: work, env: SHELL_ENV, timeoutMs: 120_000 });
      assert.deepEqual(found, [], where(command));
    }
    const [report, onnx] = commands as [DocCommand, DocCommand];
    assert.ok(existsSync(path.join(work, valueOf(report.words, '--run'), 'report.html')), 'the report was written');
    assert.ok(existsSync(path.join(work, valueOf(onnx.words, '--out'))), 'the ONNX file was written');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
