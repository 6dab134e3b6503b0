#!/usr/bin/env node
// Builds the Node-API addon in build/native with CMake against one libtorch:
//   LIBTORCH=/path (a folder with include/ and lib/, e.g. a pytorch.org libtorch or a pip torch package)
//   otherwise Debian's libtorch-dev.
// Node-API headers come from the npm packages node-api-headers and node-addon-api: nothing is downloaded.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = path.join(root, 'build', 'native');
const quiet = process.argv.includes('--quiet');

function fail(message) {
  console.error(`catrain build: ${message}`);
  process.exit(1);
}

function debianTorchDir() {
  const triplets = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' };
  const triplet = triplets[process.arch];
  return triplet ? `/usr/lib/${triplet}/cmake/Torch` : undefined;
}

export function findLibtorch() {
  const fromEnv = process.env.LIBTORCH;
  if (fromEnv) {
    const config = [path.join(fromEnv, 'share', 'cmake', 'Torch'), path.join(fromEnv, 'lib', 'cmake', 'Torch')].find((dir) =>
      existsSync(path.join(dir, 'TorchConfig.cmake')),
    );
    if (!existsSync(path.join(fromEnv, 'include', 'ATen')) || !config) {
      fail(
        `LIBTORCH=${fromEnv} is not a libtorch: expected include/ATen and share/cmake/Torch/TorchConfig.cmake inside it.\n` +
          `  Point LIBTORCH at an unpacked pytorch.org libtorch, or at a pip torch package folder\n` +
          `  (python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))'), or unset it to use Debian's libtorch-dev.`,
      );
    }
    // A libtorch folder may or may not carry gloo's headers: without them the addon is built without
    // the distributed entries (GLOO_INCLUDE_DIR can point at a gloo include folder).
    return { source: `LIBTORCH=${fromEnv}`, configDir: config, gloo: 'AUTO' };
  }
  const debian = debianTorchDir();
  // Debian's gloo headers come from libgloo-dev, which setup installs, so their absence is an error.
  if (debian && existsSync(path.join(debian, 'TorchConfig.cmake'))) return { source: 'Debian libtorch-dev', configDir: debian, gloo: 'ON' };
  fail(
    'libtorch was not found. Either:\n' +
      '  - install Debian\'s: sudo apt-get update && sudo apt-get install -y libtorch-dev libopenblas0-pthread libgloo-dev\n' +
      '  - or set LIBTORCH to a libtorch folder (with include/ and lib/), e.g. a pip torch package folder.',
  );
}

function main() {
  const cmake = spawnSync('cmake', ['--version'], { encoding: 'utf8' });
  if (cmake.status !== 0) fail('cmake is missing: sudo apt-get install -y cmake g++ make');
  const libtorch = findLibtorch();
  const require = createRequire(import.meta.url);
  // node-addon-api's include_dir is relative to the working directory, so resolve its folder instead.
  const includeDirs = [require('node-api-headers').include_dir, path.dirname(require.resolve('node-addon-api/package.json'))];
  const configKey = JSON.stringify({ configDir: libtorch.configDir, includeDirs, gloo: libtorch.gloo });
  const keyFile = path.join(buildDir, 'catrain-config.json');
  if (existsSync(keyFile) && readFileSync(keyFile, 'utf8') !== configKey) rmSync(buildDir, { recursive: true, force: true });
  mkdirSync(buildDir, { recursive: true });
  const stdio = quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit';
  if (!existsSync(path.join(buildDir, 'CMakeCache.txt'))) {
    if (!quiet) console.log(`catrain build: configuring against ${libtorch.source}`);
    execFileSync(
      'cmake',
      [
        '-S', path.join(root, 'native'),
        '-B', buildDir,
        '-DCMAKE_BUILD_TYPE=Release',
        `-DCMAKE_PREFIX_PATH=${libtorch.configDir}`,
        `-DTorch_DIR=${libtorch.configDir}`,
        `-DNODE_API_INCLUDE_DIRS=${includeDirs.join(';')}`,
        `-DCATRAIN_GLOO=${libtorch.gloo}`,
        '-Wno-dev',
      ],
      { stdio },
    );
    writeFileSync(keyFile, configKey);
  }
  execFileSync('cmake', ['--build', buildDir, '--parallel', '2'], { stdio });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    main();
  } catch (error) {
    fail(`native build failed (${error.message.split('\n')[0]}); the compiler output above says why`);
  }
}
