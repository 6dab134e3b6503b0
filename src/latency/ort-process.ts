// onnxruntime timed in a child process of its own (ort-child.ts). A network timed inside catrain's
// process shares the cores with libtorch's threads and whatever the training left running; the
// child sees what a process that only serves the network sees. One child serves every request of a
// profile or a check, in order, and is closed after.
import { fork, type ChildProcess } from 'node:child_process';
import type { TimingReply, TimingRequest } from './ort-child.js';

/** How long one network may take to time, or the child to start, before the child is given up. */
export const TIMING_TIMEOUT_MS = 120_000;

interface Pending {
  resolve(ms: number): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class OrtProcess {
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | null = null;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (reply: TimingReply) => this.settle(reply));
    child.on('error', (error) => this.fail(new Error(`the onnxruntime timing process failed: ${error.message}`)));
    child.on('exit', (code, signal) => this.fail(new Error(`the onnxruntime timing process ended (${signal ?? `exit code ${code}`}) before it answered: run \`npm ci\` in the catrain folder if onnxruntime-node is missing`)));
  }

  /** Starts the child and waits for it to load onnxruntime-node. */
  static async start(): Promise<OrtProcess> {
    const child = fork(new URL('./ort-child.js', import.meta.url), [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    // Neither the child nor its channel keeps catrain alive: a request's own timer does, while it waits.
    child.unref();
    child.channel?.unref();
    const started = new OrtProcess(child);
    await started.request(-1, () => undefined).catch((error: Error) => {
      throw new Error(`${error.message}${stderr === '' ? '' : `\n${stderr.trim()}`}`);
    });
    return started;
  }

  /** The median milliseconds of one run of the ONNX model `onnx`, timed in the child. */
  time(request: Omit<TimingRequest, 'id'>): Promise<number> {
    const id = this.nextId++;
    return this.request(id, () => this.child.send({ ...request, id }));
  }

  close(): void {
    this.fail(new Error('the onnxruntime timing process was closed'));
    this.child.kill();
  }

  private request(id: number, send: () => void): Promise<number> {
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new Error(`onnxruntime took over ${TIMING_TIMEOUT_MS / 1000} s to time one network; the timing process was stopped`));
        this.child.kill();
      }, TIMING_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      send();
    });
  }

  private settle(reply: TimingReply): void {
    const waiting = this.pending.get(reply.id);
    if (waiting === undefined) return;
    this.pending.delete(reply.id);
    clearTimeout(waiting.timer);
    if ('error' in reply) waiting.reject(new Error(`onnxruntime could not run the network: ${reply.error}`));
    else waiting.resolve(reply.ms);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const [id, waiting] of this.pending) {
      clearTimeout(waiting.timer);
      waiting.reject(this.failure);
      this.pending.delete(id);
    }
  }
}
