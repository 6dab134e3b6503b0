// What does an all-reduce of a step's gradients cost over loopback? (issue 15; not a test.)
// Starts 2 worker processes (1 libtorch thread each) that all-reduce gradient lists shaped like
// ResNet-20's and ResNet-50's parameters, per tensor from JS, as one list call, and coalesced into
// buckets; then single tensors of 4 KiB to 64 MiB, to fit t = alpha + bytes / beta. Rank 0 prints
// one JSON line with the medians and 10th percentiles: on a shared 2-core machine, scheduling delays
// of several milliseconds come and go, and the 10th percentile shows the time without them.
//   node dist/bench/distributed/allreduce.js [--rounds 9] [--world 2]
import { spawn } from 'node:child_process';
import { cpus, hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as E from '../../src/engine/index.js';
import { createModel } from '../../src/models/index.js';

function flag(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

const rounds = flag('--rounds', 9);
const world = flag('--world', 2);

/** Milliseconds of one call: the median, and the 10th percentile (the machine without its other load). */
interface Timing {
  ms: number;
  p10: number;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] as number;
}

/** `fn` over rounds, each started together on every rank by a barrier. */
function time(group: E.ProcessGroup, fn: () => void, count = rounds): Timing {
  fn();
  const samples: number[] = [];
  for (let r = 0; r < count; r++) {
    group.barrier();
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { ms: quantile(samples, 0.5), p10: quantile(samples, 0.1) };
}

/**
 * t = alpha + bytes / beta by least squares on relative errors (weights 1 / t^2), so that the small
 * messages that decide alpha count as much as the large ones that decide beta.
 */
function fitAlphaBeta(points: { bytes: number; ms: number }[]): { alphaUs: number; betaGBps: number } {
  let [sw, sx, sy, sxx, sxy] = [0, 0, 0, 0, 0];
  for (const { bytes: x, ms: y } of points) {
    const w = 1 / (y * y);
    sw += w;
    sx += w * x;
    sy += w * y;
    sxx += w * x * x;
    sxy += w * x * y;
  }
  const slope = (sw * sxy - sx * sy) / (sw * sxx - sx * sx);
  const alpha = (sy - slope * sx) / sw;
  return { alphaUs: alpha * 1e3, betaGBps: 1 / slope / 1e6 };
}

function gradients(model: string): E.Tensor[] {
  E.manualSeed(1);
  return createModel(model)
    .parameters()
    .map((p) => E.keep(E.randn(p.value.shape)));
}

function worker(): void {
  const rank = Number(process.env.BENCH_RANK);
  const store = new E.TcpStore({ port: rank === 0 ? 0 : Number(process.env.BENCH_PORT), isServer: rank === 0 });
  if (rank === 0) process.stdout.write(`${JSON.stringify({ port: store.port })}\n`);
  store.join(world);
  const group = new E.ProcessGroup({ store, rank, worldSize: world });

  const models: Record<string, unknown> = {};
  for (const [model, modelRounds] of [['resnet20', rounds * 2 + 1], ['resnet50', rounds]] as const) {
    const grads = gradients(model);
    const bytes = grads.reduce((s, g) => s + g.nbytes, 0);
    const modes: Record<string, Timing> = {
      jsLoop: time(group, () => grads.forEach((g) => group.allReduce(g)), modelRounds),
      list: time(group, () => group.allReduce(grads), modelRounds),
    };
    for (const mib of [1, 4, 25]) {
      modes[`coalesced${mib}MiB`] = time(group, () => group.allReduceCoalesced(grads, { bucketBytes: mib << 20 }), modelRounds);
    }
    models[model] = { params: bytes / 4, tensors: grads.length, bytes, ms: modes };
    grads.forEach((g) => g.dispose());
  }

  const points: ({ bytes: number } & Timing)[] = [];
  for (let bytes = 4096; bytes <= 64 << 20; bytes *= 4) {
    const t = E.randn([bytes / 4]);
    points.push({ bytes, ...time(group, () => group.allReduce(t), bytes >= 16 << 20 ? rounds : rounds * 4 + 1) });
    t.dispose();
  }
  const barrierMs = time(group, () => group.barrier(), 51);
  if (rank === 0) {
    const line = {
      bench: 'distributed-allreduce',
      host: hostname(),
      cpus: cpus().length,
      cpu: cpus()[0]?.model,
      date: new Date().toISOString(),
      world,
      threadsPerRank: E.getNumThreads(),
      rounds,
      libtorch: E.torchVersion(),
      barrierMs,
      models,
      sizes: points,
      fit: fitAlphaBeta(points),
      fitP10: fitAlphaBeta(points.map((p) => ({ bytes: p.bytes, ms: p.p10 }))),
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
  group.dispose();
  store.dispose();
}

function launch(): void {
  const self = fileURLToPath(import.meta.url);
  const args = [self, ...process.argv.slice(2)];
  const env = { ...process.env, CATRAIN_THREADS: '1' };
  const first = spawn(process.execPath, args, { env: { ...env, BENCH_RANK: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
  let started = false;
  let buffered = '';
  first.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      const parsed = JSON.parse(line) as { port?: number };
      if (!started && parsed.port !== undefined) {
        started = true;
        for (let rank = 1; rank < world; rank++) {
          spawn(process.execPath, args, { env: { ...env, BENCH_RANK: String(rank), BENCH_PORT: String(parsed.port) }, stdio: 'inherit' });
        }
      } else {
        console.log(line);
      }
    }
  });
  first.on('exit', (code) => process.exit(code ?? 1));
}

if (process.env.BENCH_RANK === undefined) launch();
else worker();
