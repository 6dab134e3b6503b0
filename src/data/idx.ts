// Reads IDX files (the MNIST / Fashion-MNIST format), raw or gzip-compressed, with strict checks.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export interface IdxArray {
  /** Dimension sizes, e.g. [60000, 28, 28] for MNIST images. */
  shape: number[];
  data: Uint8Array;
}

const UNSIGNED_BYTE = 0x08;

function readBytes(path: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new Error(`${path}: cannot read the IDX file (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error });
  }
  // gzip magic 1f 8b: the distributed files are often compressed.
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      return gunzipSync(bytes);
    } catch (error) {
      throw new Error(`${path}: corrupt gzip data (${(error as Error).message}); download or unpack the file again`, { cause: error });
    }
  }
  return bytes;
}

/** Parses an unsigned-byte IDX file; throws an error naming the file and the problem. */
export function readIdx(path: string): IdxArray {
  const bytes = readBytes(path);
  if (bytes.length < 4) throw new Error(`${path}: ${bytes.length} bytes is too short for an IDX header (need at least 4)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(0) !== 0) throw new Error(`${path}: not an IDX file (the first two bytes must be zero)`);
  const type = view.getUint8(2);
  if (type !== UNSIGNED_BYTE) throw new Error(`${path}: IDX element type 0x${type.toString(16)} is not supported (expected 0x08, unsigned byte)`);
  const rank = view.getUint8(3);
  const headerBytes = 4 + 4 * rank;
  if (rank === 0 || bytes.length < headerBytes) throw new Error(`${path}: truncated IDX header (rank ${rank} needs ${headerBytes} bytes, file has ${bytes.length})`);
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const expected = shape.reduce((a, b) => a * b, 1);
  const actual = bytes.length - headerBytes;
  if (actual !== expected) {
    throw new Error(`${path}: IDX data has ${actual} bytes but shape [${shape.join(', ')}] needs ${expected}; the file is truncated or corrupt`);
  }
  return { shape, data: bytes.subarray(headerBytes) };
}
