// The package as a user gets it: `npm pack`, installed into an empty project, then a TypeScript
// program that imports 'catrain', defines its own network from catrain's modules, trains it, saves
// and reloads it, is type-checked and run. Machines here have no registry, so the install is what
// npm would do with the tarball: unpack it as node_modules/catrain, with catrain's dependencies
// linked from this repository's node_modules (which `npm ci` filled from the lockfile).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  assert.equal(result.status, 0, `${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

test('npm pack installs into an empty project; a program and the README examples type-check, and the program runs', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'catrain-pack-'));
  try {
    run('npm', ['pack', '--silent', '--pack-destination', work], root);
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    assert.ok(tarball !== undefined, 'npm pack wrote a tarball');
    const project = path.join(work, 'project');
    const modules = path.join(project, 'node_modules');
    mkdirSync(modules, { recursive: true });
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true, type: 'module' }));
    run('tar', ['-xzf', path.join(work, tarball), '-C', modules], work);
    renameSync(path.join(modules, 'package'), path.join(modules, 'catrain'));
    const manifest = JSON.parse(readFileSync(path.join(modules, 'catrain', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const dependency of Object.keys(manifest.dependencies)) symlinkSync(path.join(root, 'node_modules', dependency), path.join(modules, dependency));
    copyFileSync(path.join(root, 'test', 'package', 'program.ts.txt'), path.join(project, 'main.ts'));
    // The README's TypeScript examples are type-checked against the installed package too.
    const examples = [...readFileSync(path.join(root, 'README.md'), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);
    assert.ok(examples.length >= 2, 'the README has TypeScript examples');
    examples.forEach((code, i) => writeFileSync(path.join(project, `readme-${i}.ts`), `${code}\nexport {};\n`));
    writeFileSync(path.join(project, 'globals.d.ts'), 'declare const process: { argv: string[]; exitCode?: number };\n');
    const files = ['main.ts', 'globals.d.ts', ...examples.map((_, i) => `readme-${i}.ts`)];
    const config = { compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, types: [], skipLibCheck: true }, files };
    writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify(config));
    run(process.execPath, [tsc, '-p', 'tsconfig.json'], project);
    const out = JSON.parse(run(process.execPath, ['main.js', project], project)) as { first: number; last: number; same: number };
    assert.ok(out.last < out.first, `training lowers the loss: ${out.first} -> ${out.last}`);
    assert.equal(out.same, 0, 'the reloaded network computes the same outputs');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
