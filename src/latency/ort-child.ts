// The process onnxruntime is timed in (ort-process.ts starts it). It loads onnxruntime-node and
// nothing else, as a process that serves the exported network would: no libtorch thread pool, no
// data workers and no training heap share its cores. Each message is one network to time; the
// reply is its median milliseconds per run or the error, by the request's id.
import type * as Ort from 'onnxruntime-node';
import { medianMs } from './timing.js';

export interface TimingRequest {
  readonly id: number;
  readonly onnx: Uint8Array;
  readonly inputName: string;
  readonly inputShape: readonly number[];
  readonly batch: number;
  readonly threads: number;
  readonly minRuns?: number;
  readonly minTotalMs?: number;
}

export type TimingReply = { readonly id: number; readonly ms: number } | { readonly id: number; readonly error: string };

const ort = (await import('onnxruntime-node')).default as unknown as typeof Ort;

async function time(request: TimingRequest): Promise<number> {
  const session = await ort.InferenceSession.create(request.onnx, { intraOpNumThreads: request.threads, interOpNumThreads: 1, executionMode: 'sequential' });
  try {
    const size = request.inputShape.reduce((a, b) => a * b, request.batch);
    // Fixed, varied values: zeros would let a runtime skip work that real inputs cost.
    const data = Float32Array.from({ length: size }, (_, i) => ((i * 7919) % 1000) / 1000);
    const feeds = { [request.inputName]: new ort.Tensor('float32', data, [request.batch, ...request.inputShape]) };
    return await medianMs(() => session.run(feeds), request.minRuns, request.minTotalMs);
  } finally {
    await session.release();
  }
}

process.on('message', (message: TimingRequest) => {
  time(message).then(
    (ms) => process.send?.({ id: message.id, ms } satisfies TimingReply),
    (error: unknown) => process.send?.({ id: message.id, error: error instanceof Error ? error.message : String(error) } satisfies TimingReply),
  );
});
process.send?.({ id: -1, ms: 0 } satisfies TimingReply);
