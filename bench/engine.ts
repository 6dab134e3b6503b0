// Engine micro-benchmarks (not tests): `npm run bench:engine -- [--json] [--device cuda]`.
//   op_overhead_us    median time of one tiny elementwise op on 1-element tensors, call and dispose included
//   conv_step_gflops  forward + backward of mean(relu(conv2d)), B=32, 16->16 channels, 32x32, 3x3,
//                     counted as 3 x 2*B*H*W*Cin*Cout*9 FLOPs (forward, input grad, weight grad)
//                     (channels-last by default; --nchw for the plain layout)
//   matmul512_gflops  512x512 @ 512x512
import { availableParallelism, cpus } from 'node:os';
import * as E from '../src/engine/index.js';

interface Options {
  json: boolean;
  device: E.Device;
  /** Memory layout of the conv step's tensors; channels-last is what catrain's CNNs train in. */
  layout: E.MemoryFormat;
}

function parseOptions(argv: readonly string[]): Options {
  const deviceIndex = argv.indexOf('--device');
  const device = deviceIndex >= 0 ? argv[deviceIndex + 1] : 'cpu';
  const layout = argv.includes('--nchw') ? 'contiguous' : 'channels_last';
  return { json: argv.includes('--json'), device: E.checkDevice(device ?? 'cpu'), layout };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Median seconds per call of `fn` over `rounds` timed rounds of `perRound` calls each. */
function timeIt(fn: () => void, rounds: number, perRound: number, warmup: number): number {
  for (let i = 0; i < warmup; i++) fn();
  E.synchronize();
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < perRound; i++) fn();
    E.synchronize();
    samples.push(Number(process.hrtime.bigint() - start) / 1e9 / perRound);
  }
  return median(samples);
}

function opOverheadMicros(device: E.Device): number {
  const a = E.ones([1], { device });
  const b = E.ones([1], { device });
  const seconds = timeIt(() => a.add(b).dispose(), 31, 2000, 5000);
  E.disposeAll([a, b]);
  return seconds * 1e6;
}

function convStepGflops(device: E.Device, layout: E.MemoryFormat): number {
  const [batch, channels, size] = [32, 16, 32];
  return E.scope(() => {
    const x = E.randn([batch, channels, size, size], { device }).contiguous(layout).requireGrad();
    const w = E.randn([channels, channels, 3, 3], { device }).mul(0.1).contiguous(layout).detach().requireGrad();
    const step = (): void =>
      E.scope(() => {
        E.conv2d(x, w, null, { padding: 1 }).relu().mean().backward();
        x.zeroGrad();
        w.zeroGrad();
      });
    const seconds = timeIt(step, 15, 10, 30);
    const flops = 3 * 2 * batch * size * size * channels * channels * 9;
    return flops / seconds / 1e9;
  });
}

function matmulGflops(device: E.Device): number {
  return E.scope(() => {
    const a = E.randn([512, 512], { device });
    const b = E.randn([512, 512], { device });
    const seconds = timeIt(() => E.matmul(a, b).dispose(), 15, 20, 20);
    return (2 * 512 ** 3) / seconds / 1e9;
  });
}

function main(): void {
  const options = parseOptions(process.argv.slice(2));
  const result = {
    op_overhead_us: Number(opOverheadMicros(options.device).toFixed(3)),
    conv_step_gflops: Number(convStepGflops(options.device, options.layout).toFixed(2)),
    conv_layout: options.layout,
    matmul512_gflops: Number(matmulGflops(options.device).toFixed(2)),
    device: options.device,
    threads: E.getNumThreads(),
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    libtorch: E.torchVersion(),
    node: process.version,
    date: new Date().toISOString(),
  };
  if (options.json) {
    console.log(JSON.stringify(result));
    return;
  }
  console.log(`op overhead      ${result.op_overhead_us} us   (target <= 3)`);
  console.log(`conv step        ${result.conv_step_gflops} GFLOP/s   (target >= 30)`);
  console.log(`matmul 512       ${result.matmul512_gflops} GFLOP/s   (target >= 100)`);
  console.log(`${result.device}, ${result.threads} threads, libtorch ${result.libtorch}, ${result.cpu}`);
}

main();
