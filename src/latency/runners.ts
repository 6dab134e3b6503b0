// The runtimes a profile measures on. 'libtorch' is catrain's own engine on the CPU, in eval mode
// without autograd, channels-last as training runs, in this process; 'onnxruntime' is
// onnxruntime-node on the CPU, given the module exported as `catrain export` writes it (BatchNorms
// folded), timed in a child process that runs nothing else (ort-process.ts).
import * as E from '../engine/index.js';
import { foldBatchNorms, INPUT_NAME, irFromModule, writeOnnx } from '../export/index.js';
import type { Module } from '../nn/index.js';
import type { LatencyRuntime } from '../cat/latency.js';
import { OrtProcess } from './ort-process.js';
import { medianMs } from './timing.js';

/** How much timing one measurement gets: at least this many samples, and this long in all. */
export interface TimingEffort {
  readonly minRuns?: number;
  readonly minTotalMs?: number;
}

export interface LatencyRunner {
  readonly runtime: LatencyRuntime;
  /** The median milliseconds of one forward of `module` on a batch of `batch` inputs of `inputShape`. */
  time(module: Module, inputShape: readonly number[], batch: number, effort?: TimingEffort): Promise<number>;
  /** Frees what the runner holds (onnxruntime's timing process). */
  close(): void;
}

class LibtorchRunner implements LatencyRunner {
  readonly runtime = 'libtorch' as const;
  constructor(private readonly threads: number) {}

  async time(module: Module, inputShape: readonly number[], batch: number, effort: TimingEffort = {}): Promise<number> {
    const channelsLast = inputShape.length === 3;
    if (channelsLast) module.toMemoryFormat('channels_last');
    const modes = module.modules().map((m) => [m, m.training] as const);
    const x = E.keep(E.randn([batch, ...inputShape]).contiguous(channelsLast ? 'channels_last' : 'contiguous'));
    const threads = E.getNumThreads();
    try {
      E.setNumThreads(this.threads);
      module.eval();
      return await medianMs(() => E.noGrad(() => E.scope(() => void module.forward(x))), effort.minRuns, effort.minTotalMs);
    } finally {
      E.setNumThreads(threads);
      x.dispose();
      for (const [m, mode] of modes) m.train(mode);
    }
  }

  close(): void {}
}

class OnnxRuntimeRunner implements LatencyRunner {
  readonly runtime = 'onnxruntime' as const;
  constructor(
    private readonly child: OrtProcess,
    private readonly threads: number,
  ) {}

  time(module: Module, inputShape: readonly number[], batch: number, effort: TimingEffort = {}): Promise<number> {
    const channels = inputShape[0] as number;
    const identity = { mean: new Array<number>(channels).fill(0), std: new Array<number>(channels).fill(1) };
    const onnx = writeOnnx(foldBatchNorms(irFromModule(module, inputShape, identity)), { metadata: {}, graphName: 'latency', producerVersion: '0.1.0' });
    return this.child.time({ onnx, inputName: INPUT_NAME, inputShape, batch, threads: this.threads, ...effort });
  }

  close(): void {
    this.child.close();
  }
}

/** A runner on `runtime` with `threads` compute threads (a profile's, so that its check times as it did). */
export async function latencyRunner(runtime: LatencyRuntime, threads: number = E.getNumThreads()): Promise<LatencyRunner> {
  return runtime === 'libtorch' ? new LibtorchRunner(threads) : new OnnxRuntimeRunner(await OrtProcess.start(), threads);
}
