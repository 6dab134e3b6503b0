#!/usr/bin/env node
// One step that makes a checkout runnable: system packages (Debian), npm packages, the native addon
// and the TypeScript build. Each part is skipped when it is already in place, so `npm test` and
// `npm run demo` can call it every time.
//   --no-system  skip the Debian package check     --no-npm  skip `npm ci`     --quiet  less output
//   --browser    also install chromium (for the dashboard's browser tests)
// Uses only Node's standard library: it runs before the npm packages exist.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const quiet = args.has('--quiet');
const log = (message) => {
  if (!quiet) console.log(`catrain setup: ${message}`);
};

function fail(message) {
  console.error(`catrain setup: ${message}`);
  process.exit(1);
}

function run(command, commandArgs, options = {}) {
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit', ...options });
  if (result.error) fail(`could not run ${command}: ${result.error.message}`);
  if (result.status !== 0) fail(`\`${command} ${commandArgs.join(' ')}\` failed with exit code ${result.status}`);
}

function checkNode() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 20) fail(`Node ${process.versions.node} is too old: catrain needs Node 20 or newer`);
}

// libtorch-dev brings the headers, CMake config and libtorch; libopenblas0-pthread gives it a fast BLAS;
// libgloo-dev the gloo headers that c10d's Gloo process group includes (the distributed entries);
// chromium runs the dashboard's browser tests, so only the test command (--browser) asks for it.
function requiredPackages() {
  const toolchain = ['cmake', 'g++', 'make', ...(args.has('--browser') ? ['chromium'] : [])];
  return process.env.LIBTORCH ? toolchain : [...toolchain, 'libtorch-dev', 'libopenblas0-pthread', 'libgloo-dev'];
}

function installed(pkg) {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.includes('install ok installed');
}

function ensureSystemPackages() {
  if (spawnSync('dpkg-query', ['--version']).status !== 0) {
    log('not a Debian system: skipping the package check (set LIBTORCH to a libtorch folder if the build cannot find one)');
    return;
  }
  const missing = requiredPackages().filter((pkg) => !installed(pkg));
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    fail(`missing system packages: ${missing.join(', ')}. Install them, then rerun:\n  sudo sh -c '${command}'`);
  }
  log(`installing system packages: ${missing.join(', ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update'], { env });
  run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env });
}

// `npm ci` only when node_modules does not match package-lock.json (a stamp holds the lock's hash).
function ensureNpmPackages() {
  const lock = path.join(root, 'package-lock.json');
  const stamp = path.join(root, 'node_modules', '.catrain-lock-hash');
  const hash = createHash('sha256').update(readFileSync(lock)).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return;
  log('installing npm packages (npm ci)');
  run('npm', ['ci', '--no-audit', '--no-fund']);
  writeFileSync(stamp, hash);
}

function buildNative() {
  log('building the native addon');
  run(process.execPath, [path.join(root, 'scripts', 'build-native.mjs'), ...(quiet ? ['--quiet'] : [])]);
}

function buildTypeScript() {
  log('compiling TypeScript');
  run(process.execPath, [path.join(root, 'scripts', 'build-ts.mjs')]);
}

checkNode();
if (!args.has('--no-system')) ensureSystemPackages();
if (!args.has('--no-npm')) ensureNpmPackages();
buildNative();
buildTypeScript();
log('ready');
