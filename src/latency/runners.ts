// The runtimes a profile measures on. 'libtorch' is catrain's own engine on the CPU, in eval mode
// without autograd, channels-last as training runs; 'onnxruntime' is onnxruntime-node on the CPU,
// given the module exported as `catrain export` writes it (BatchNorms folded).
import * as E from '../engine/index.js';
import { foldBatchNorms, INPUT_NAME, irFromModule, writeOnnx } from '../export/index.js';
import type { Module } from '../nn/index.js';
import type { LatencyRuntime } from '../cat/latency.js';
import { medianMs } from './timing.js';

export interface LatencyRunner {
  readonly runtime: LatencyRuntime;
  /** The median milliseconds of one forward of `module` on a batch of `batch` inputs of `inputShape`. */
  time(module: Module, inputShape: readonly number[], batch: number, minRuns?: number): Promise<number>;
}

class LibtorchRunner implements LatencyRunner {
  readonly runtime = 'libtorch' as const;

  async time(module: Module, inputShape: readonly number[], batch: number, minRuns?: number): Promise<number> {
    const channelsLast = inputShape.length === 3;
    if (channelsLast) module.toMemoryFormat('channels_last');
    const modes = module.modules().map((m) => [m, m.training] as const);
    const x = E.keep(E.randn([batch, ...inputShape]).contiguous(channelsLast ? 'channels_last' : 'contiguous'));
    try {
      module.eval();
      return await medianMs(() => E.noGrad(() => E.scope(() => void module.forward(x))), minRuns);
    } finally {
      x.dispose();
      for (const [m, mode] of modes) m.train(mode);
    }
  }
}

type Ort = typeof import('onnxruntime-node');

class OnnxRuntimeRunner implements LatencyRunner {
  readonly runtime = 'onnxruntime' as const;
  constructor(private readonly ort: Ort) {}

  async time(module: Module, inputShape: readonly number[], batch: number, minRuns?: number): Promise<number> {
    const channels = inputShape[0] as number;
    const identity = { mean: new Array<number>(channels).fill(0), std: new Array<number>(channels).fill(1) };
    const bytes = writeOnnx(foldBatchNorms(irFromModule(module, inputShape, identity)), { metadata: {}, graphName: 'latency', producerVersion: '0.1.0' });
    const session = await this.ort.InferenceSession.create(bytes, { intraOpNumThreads: E.getNumThreads(), interOpNumThreads: 1, executionMode: 'sequential' });
    try {
      const size = inputShape.reduce((a, b) => a * b, batch);
      const data = Float32Array.from({ length: size }, (_, i) => ((i * 7919) % 1000) / 1000);
      const feeds = { [INPUT_NAME]: new this.ort.Tensor('float32', data, [batch, ...inputShape]) };
      return await medianMs(() => session.run(feeds), minRuns);
    } finally {
      await session.release();
    }
  }
}

export async function latencyRunner(runtime: LatencyRuntime): Promise<LatencyRunner> {
  if (runtime === 'libtorch') return new LibtorchRunner();
  let ort: Ort;
  try {
    ort = (await import('onnxruntime-node')).default as unknown as Ort;
  } catch (error) {
    throw new Error(`onnxruntime-node could not be loaded (${(error as Error).message}): run \`npm ci\` in the catrain folder`);
  }
  return new OnnxRuntimeRunner(ort);
}
