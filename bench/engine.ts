// Engine micro-benchmarks (not tests): `npm run bench:engine -- [--json] [--device cuda] [--peer [--rounds N]]`.
// --peer runs bench/engine_peer.py (PyTorch, /usr/bin/python3 or $CATRAIN_PEER_PYTHON) alternately with
// catrain's measurements, N rounds (default 5), and reports the ratios catrain / PyTorch: alternating
// in one sitting is what makes a ratio meaningful on a shared, noisy machine.
//   op_overhead_us    median time of one tiny elementwise op on 1-element tensors, call and dispose included
//   conv_step_gflops  forward + backward of mean(relu(conv2d)), B=32, 16->16 channels, 32x32, 3x3,
//                     counted as 3 x 2*B*H*W*Cin*Cout*9 FLOPs (forward, input grad, weight grad)
//                     (channels-last by default; --nchw for the plain layout)
//   matmul512_gflops  512x512 @ 512x512
import { spawnSync } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as E from '../src/engine/index.js';

interface Options {
  json: boolean;
  device: E.Device;
  /** Memory layout of the conv step's tensors; channels-last is what catrain's CNNs train in. */
  layout: E.MemoryFormat;
  /** Rounds of catrain alternating with the PyTorch peer; 0 runs catrain alone. */
  peerRounds: number;
}

function parseOptions(argv: readonly string[]): Options {
  const deviceIndex = argv.indexOf('--device');
  const device = deviceIndex >= 0 ? argv[deviceIndex + 1] : 'cpu';
  const layout = argv.includes('--nchw') ? 'contiguous' : 'channels_last';
  const roundsIndex = argv.indexOf('--rounds');
  const rounds = roundsIndex >= 0 ? Number(argv[roundsIndex + 1]) : 5;
  if (!(Number.isInteger(rounds) && rounds > 0)) throw new Error(`--rounds must be a positive integer, got '${argv[roundsIndex + 1]}'`);
  return { json: argv.includes('--json'), device: E.checkDevice(device ?? 'cpu'), layout, peerRounds: argv.includes('--peer') ? rounds : 0 };
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

interface Measurement {
  op_overhead_us: number;
  conv_step_gflops: number;
  matmul512_gflops: number;
}

function measure(options: Options): Measurement {
  return {
    op_overhead_us: Number(opOverheadMicros(options.device).toFixed(3)),
    conv_step_gflops: Number(convStepGflops(options.device, options.layout).toFixed(2)),
    matmul512_gflops: Number(matmulGflops(options.device).toFixed(2)),
  };
}

/** One run of the PyTorch peer with the same device, layout and thread count. */
function measurePeer(options: Options): Measurement {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'engine_peer.py');
  const python = process.env.CATRAIN_PEER_PYTHON ?? '/usr/bin/python3';
  const args = [script, '--device', options.device, '--threads', String(E.getNumThreads()), ...(options.layout === 'channels_last' ? ['--channels-last'] : [])];
  const result = spawnSync(python, args, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`the PyTorch peer failed (${python} ${args.join(' ')}): ${result.error?.message ?? result.stderr.trim()}. Install python3-torch or set CATRAIN_PEER_PYTHON`);
  }
  return JSON.parse(result.stdout.trim().split('\n').pop() ?? '') as Measurement;
}

interface Machine {
  device: E.Device;
  conv_layout: E.MemoryFormat;
  threads: number;
  cores: number;
  cpu: string;
  libtorch: string;
  node: string;
  date: string;
}

function describeMachine(options: Options): Machine {
  return {
    device: options.device,
    conv_layout: options.layout,
    threads: E.getNumThreads(),
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    libtorch: E.torchVersion(),
    node: process.version,
    date: new Date().toISOString(),
  };
}

/** Rounds of catrain then the peer; the ratios are catrain / PyTorch (op overhead: at most 1 is the target). */
function sideBySide(options: Options): void {
  const rounds: { catrain: Measurement; pytorch: Measurement }[] = [];
  for (let r = 0; r < options.peerRounds; r++) rounds.push({ catrain: measure(options), pytorch: measurePeer(options) });
  const ratio = (key: keyof Measurement): number[] => rounds.map((round) => Number((round.catrain[key] / round.pytorch[key]).toFixed(3)));
  const result = {
    rounds,
    median_ratio: {
      op_overhead: median(ratio('op_overhead_us')),
      conv_step: median(ratio('conv_step_gflops')),
      matmul512: median(ratio('matmul512_gflops')),
    },
    ...describeMachine(options),
  };
  if (options.json) {
    console.log(JSON.stringify(result));
    return;
  }
  console.log('round  op us (catrain / torch)   conv GFLOP/s (catrain / torch)   matmul GFLOP/s (catrain / torch)');
  rounds.forEach((round, i) => {
    const pair = (key: keyof Measurement): string => `${round.catrain[key]} / ${round.pytorch[key]}`.padEnd(33);
    console.log(`${String(i + 1).padEnd(7)}${pair('op_overhead_us')}${pair('conv_step_gflops')}${pair('matmul512_gflops')}`);
  });
  console.log(`median ratio catrain / PyTorch: op overhead ${result.median_ratio.op_overhead} (target <= 1), conv step ${result.median_ratio.conv_step}, matmul ${result.median_ratio.matmul512} (higher is faster)`);
  console.log(`${result.device}, ${result.threads} threads, libtorch ${result.libtorch}, ${result.cpu}`);
}

function main(): void {
  const options = parseOptions(process.argv.slice(2));
  if (options.peerRounds > 0) return sideBySide(options);
  const result = { ...measure(options), ...describeMachine(options) };
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
