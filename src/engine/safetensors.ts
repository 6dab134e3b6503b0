// Pure-TypeScript safetensors codec (https://github.com/huggingface/safetensors).
// Deliberately independent of the tensor engine so checkpoints can be inspected,
// validated and produced without loading libtorch.
//
// Layout: u64 little-endian header length N, N bytes of UTF-8 JSON header, then
// the data buffer. Offsets in the header are relative to the data buffer.

import { closeSync, fstatSync, fsyncSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import {
  type RawTensor,
  MAX_HEADER_BYTES,
  METADATA_KEY,
  checkMetadata,
  checkTensorForEncode,
  fail,
  parseHeader,
  setOwn,
} from './safetensors-validate.js';

export {
  type RawTensor,
  type SafetensorsDType,
  SAFETENSORS_DTYPES,
  dtypeByteSize,
  isSafetensorsDType,
} from './safetensors-validate.js';

export interface DecodedSafetensors {
  tensors: Map<string, RawTensor>;
  metadata: Record<string, string>;
}

const ENCODE_SOURCE = '<encode>';

// The data buffer starts 8-byte aligned (as the reference implementation does)
// so that, when the file sits at the start of an ArrayBuffer, any tensor whose
// offset is a multiple of its element size can be viewed as a typed array
// without copying.
const DATA_ALIGNMENT = 8;

/**
 * Serializes tensors (in iteration order, contiguously) into safetensors bytes.
 * All inputs are validated first, so a bad tensor never yields a partial file.
 */
export function encodeSafetensors(
  tensors: Record<string, RawTensor> | Map<string, RawTensor>,
  metadata?: Record<string, string>,
): Uint8Array {
  const entries: Array<[string, RawTensor]> = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
  // Null prototype so a tensor literally named "__proto__" is an ordinary key.
  const header = Object.create(null) as Record<string, unknown>;
  if (metadata !== undefined) setOwn(header, METADATA_KEY, checkMetadata(metadata, ENCODE_SOURCE));

  let offset = 0;
  for (const [name, t] of entries) {
    const len = checkTensorForEncode(name, t, ENCODE_SOURCE);
    setOwn(header, name, { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, offset + len] });
    offset += len;
  }

  const json = new TextEncoder().encode(JSON.stringify(header));
  const unpadded = 8 + json.length;
  const dataStart = Math.ceil(unpadded / DATA_ALIGNMENT) * DATA_ALIGNMENT;
  const headerLen = dataStart - 8;
  // Refuse to write what decodeSafetensors would refuse to read back.
  if (headerLen > MAX_HEADER_BYTES) {
    fail(ENCODE_SOURCE, `header would be ${headerLen} bytes, over the limit of ${MAX_HEADER_BYTES} bytes`);
  }

  const out = new Uint8Array(dataStart + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLen), true);
  out.set(json, 8);
  out.fill(0x20, unpadded, dataStart); // the format allows trailing spaces in the header
  let pos = dataStart;
  for (const [, t] of entries) {
    out.set(t.data, pos);
    pos += t.data.length;
  }
  return out;
}

/**
 * Parses and strictly validates safetensors bytes. Every failure throws an
 * Error whose message starts with `safetensors: ${source}: `.
 *
 * The returned `data` arrays are subarray views into `bytes` (no copy): they
 * alias the input, so mutating either mutates both, and keeping any tensor
 * alive keeps the whole input buffer alive. Their byteOffset is only as
 * aligned as the input's; call `.slice()` before building e.g. a
 * Float32Array view if `data.byteOffset % dtypeByteSize(dtype) !== 0`.
 */
export function decodeSafetensors(bytes: Uint8Array, source = '<buffer>'): DecodedSafetensors {
  const { dataStart, entries, metadata } = parseHeader(bytes, source);
  const tensors = new Map<string, RawTensor>();
  for (const e of entries) {
    tensors.set(e.name, {
      dtype: e.dtype,
      shape: e.shape,
      data: bytes.subarray(dataStart + e.begin, dataStart + e.end),
    });
  }
  return { tensors, metadata };
}

function errorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code: unknown = err.code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

// Reads into a freshly allocated buffer rather than fs.readFileSync, whose small
// results can live at an arbitrary offset in Node's shared Buffer pool; here the
// file's byte 0 is at byteOffset 0, keeping the aligned data section aligned.
function readWholeFile(path: string): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    const code = errorCode(err);
    const msg = code === 'ENOENT' ? 'file not found' : `cannot open file: ${errorText(err)}`;
    throw new Error(`safetensors: ${path}: ${msg}`, { cause: err });
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error(`safetensors: ${path}: not a regular file`);
    const size = st.size;
    const bytes = new Uint8Array(size);
    let filled = 0;
    while (filled < size) {
      const n = readSync(fd, bytes, filled, size - filled, filled);
      if (n === 0) break; // file shrank under us; decode will report the truncation
      filled += n;
    }
    return filled === size ? bytes : bytes.subarray(0, filled);
  } catch (err) {
    if (err instanceof Error && err.message.startsWith('safetensors: ')) throw err;
    throw new Error(`safetensors: ${path}: cannot read file: ${errorText(err)}`, { cause: err });
  } finally {
    closeSync(fd);
  }
}

/** Reads and validates a safetensors file; error messages name `path`. */
export function readSafetensorsFile(path: string): DecodedSafetensors {
  return decodeSafetensors(readWholeFile(path), path);
}

// Without syncing the directory, a crash right after rename can lose the new
// directory entry even though the file contents were fsynced. Some platforms
// (Windows) and filesystems cannot open/fsync directories: that is best-effort.
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // best-effort, see above
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Atomically writes a safetensors file: readers (and crashes) see either the
 * previous file or the complete new one, never a half-written target.
 */
export function writeSafetensorsFile(
  path: string,
  tensors: Record<string, RawTensor> | Map<string, RawTensor>,
  metadata?: Record<string, string>,
): void {
  // Encode first so invalid input fails before the filesystem is touched.
  const bytes = encodeSafetensors(tensors, metadata);
  // Same directory as the target: rename is only atomic within one filesystem.
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', 0o644);
    let written = 0;
    while (written < bytes.length) {
      written += writeSync(fd, bytes, written, bytes.length - written);
    }
    // Without fsync the rename could become durable before the data does,
    // leaving an empty or truncated target after a power loss.
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== undefined) {
      try { closeSync(fd); } catch { /* already failing; keep the original error */ }
    }
    try { unlinkSync(tmp); } catch { /* may never have been created */ }
    throw err;
  }
  syncDirectory(dirname(path));
}
