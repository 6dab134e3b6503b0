// Follows a growing log.jsonl: each poll returns the records of the lines completed since the last
// one. A line still being written stays buffered until its newline arrives; a file that shrank or
// was replaced (a resume rewrites the log whole) starts over with a reset.
import { open, stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';

export type LogRecord = Record<string, unknown>;

export interface LogUpdate {
  /** The records sent so far are void: the file was rewritten, `records` starts from its top. */
  reset: boolean;
  records: LogRecord[];
}

/** At most this much is read per poll, so one huge file cannot stall the server. */
const MAX_READ_BYTES = 4 * 1024 * 1024;

export class LogFollower {
  private offset = 0;
  private inode: number | null = null;
  private pending = '';
  private decoder = new StringDecoder('utf8');

  constructor(private readonly file: string) {}

  async poll(): Promise<LogUpdate> {
    let size: number;
    let inode: number;
    try {
      const info = await stat(this.file);
      size = info.size;
      inode = info.ino;
    } catch {
      const reset = this.offset > 0;
      this.restart(null);
      return { reset, records: [] };
    }
    let reset = false;
    if ((this.inode !== null && inode !== this.inode) || size < this.offset) {
      reset = this.offset > 0;
      this.restart(inode);
    }
    this.inode = inode;
    if (size === this.offset) return { reset, records: [] };
    const length = Math.min(size - this.offset, MAX_READ_BYTES);
    const buffer = Buffer.alloc(length);
    const handle = await open(this.file, 'r');
    let bytesRead: number;
    try {
      ({ bytesRead } = await handle.read(buffer, 0, length, this.offset));
    } finally {
      await handle.close();
    }
    this.offset += bytesRead;
    return { reset, records: this.takeLines(this.decoder.write(buffer.subarray(0, bytesRead))) };
  }

  private restart(inode: number | null): void {
    this.offset = 0;
    this.inode = inode;
    this.pending = '';
    this.decoder = new StringDecoder('utf8');
  }

  private takeLines(text: string): LogRecord[] {
    const lines = (this.pending + text).split('\n');
    this.pending = lines.pop() ?? '';
    const records: LogRecord[] = [];
    for (const line of lines) {
      if (line.trim() === '') continue;
      try {
        const value: unknown = JSON.parse(line);
        if (typeof value === 'object' && value !== null && !Array.isArray(value)) records.push(value as LogRecord);
      } catch {
        // A damaged line hides one epoch from the live view; the run report reports damage.
      }
    }
    return records;
  }
}
