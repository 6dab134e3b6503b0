// Shared by the dashboard tests: run directories written by hand (for the file-reading and security
// tests; the browser tests train real ones), and raw HTTP requests whose path is sent exactly as
// written (fetch and browsers would normalise '..' away before it reached the server).
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

export interface HandRun {
  model?: string;
  cat?: boolean;
  epochs?: number;
  records?: Record<string, unknown>[];
  /** Written as summary.json (the run finished). */
  summary?: Record<string, unknown>;
}

export function logRecord(epoch: number, testAcc: number, macsFraction: number): Record<string, unknown> {
  return { epoch, train_loss: 1 / epoch, train_acc: testAcc - 1, test_acc: testAcc, macs_fraction: macsFraction, epoch_s: 0.5 };
}

export function writeHandRun(dir: string, run: HandRun = {}): void {
  mkdirSync(dir, { recursive: true });
  const config = { model: run.model ?? 'lenet300', data: 'mnist', epochs: run.epochs ?? 3, cat: run.cat === false ? null : { strength: 1 } };
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  const records = run.records ?? [logRecord(1, 90, 1)];
  writeFileSync(path.join(dir, 'log.jsonl'), records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  if (run.summary !== undefined) writeFileSync(path.join(dir, 'summary.json'), JSON.stringify(run.summary));
  writeFileSync(path.join(dir, 'model.safetensors'), 'WEIGHTS-NOT-TO-BE-SERVED');
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request with `rawPath` sent verbatim; a 5 s timeout keeps a hung server from hanging the test. */
export function rawRequest(port: number, rawPath: string, options: { method?: string; host?: string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, path: rawPath, method: options.method ?? 'GET', headers: { host: options.host ?? `127.0.0.1:${port}` }, timeout: 5000 },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`request to ${rawPath} timed out`)));
    request.on('error', reject);
    request.end();
  });
}

/** Reads server-sent events until `stop` says enough (or 5 s pass); returns the events seen. */
export function readEvents(
  port: number,
  rawPath: string,
  stop: (events: { event: string; data: string }[]) => boolean,
  onOpen?: () => void,
): Promise<{ event: string; data: string }[]> {
  return new Promise((resolve, reject) => {
    const events: { event: string; data: string }[] = [];
    const request = http.get({ host: '127.0.0.1', port, path: rawPath }, (response) => {
      let buffer = '';
      onOpen?.();
      const finish = (): void => {
        clearTimeout(timer);
        request.destroy();
        resolve(events);
      };
      response.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event !== undefined && data !== undefined) events.push({ event, data });
        }
        if (stop(events)) finish();
      });
      response.on('end', finish);
    });
    const timer = setTimeout(() => {
      request.destroy();
      resolve(events);
    }, 5000);
    request.on('error', (error) => {
      clearTimeout(timer);
      if (events.length > 0) resolve(events);
      else reject(error);
    });
  });
}
