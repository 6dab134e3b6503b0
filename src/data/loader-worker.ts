// A DataLoader worker: makes the batches it is asked for from the shared dataset bytes (pure JS, no
// engine) and transfers them back. An exception becomes an error reply for that batch.
import { parentPort, workerData } from 'node:worker_threads';
import { BatchMaker, type Batch, type BatchSettings, type DatasetArrays } from './batcher.js';

export interface WorkerInit {
  data: DatasetArrays;
  settings: BatchSettings;
}

export interface WorkerTask {
  id: number;
  epoch: number;
  index: number;
}

export type WorkerReply =
  | { id: number; batch: Batch }
  | { id: number; error: string };

if (parentPort !== null) {
  const port = parentPort;
  const init = workerData as WorkerInit;
  const maker = new BatchMaker(init.data, init.settings);
  port.on('message', (task: WorkerTask) => {
    let reply: WorkerReply;
    try {
      const batch = maker.make(task.epoch, task.index);
      // The batch's buffers are fresh ArrayBuffers: transfer them instead of copying.
      port.postMessage({ id: task.id, batch } satisfies WorkerReply, [batch.images.buffer as ArrayBuffer, batch.labels.buffer as ArrayBuffer]);
      return;
    } catch (error) {
      reply = { id: task.id, error: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(reply);
  });
}
