// Validation half of the safetensors codec. It lives apart from safetensors.ts
// so the encoder/decoder stay readable; it has no runtime dependency on it.

export type SafetensorsDType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

export interface RawTensor {
  dtype: SafetensorsDType;
  shape: number[];
  data: Uint8Array;
}

const DTYPE_BYTES: Readonly<Record<SafetensorsDType, number>> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1,
};

export const SAFETENSORS_DTYPES: readonly SafetensorsDType[] = Object.keys(DTYPE_BYTES) as SafetensorsDType[];

export const METADATA_KEY = '__metadata__';

// A real header is a few KB per thousand tensors; anything this big is a
// corrupt length field, and trusting it would make us allocate/decode garbage.
export const MAX_HEADER_BYTES = 100 * 1024 * 1024;

/** One tensor entry of a parsed header, offsets relative to the data buffer. */
export interface HeaderEntry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  begin: number;
  end: number;
}

export function isSafetensorsDType(x: unknown): x is SafetensorsDType {
  return typeof x === 'string' && Object.prototype.hasOwnProperty.call(DTYPE_BYTES, x);
}

export function dtypeByteSize(d: SafetensorsDType): number {
  // Callers from plain JS (or JSON) can smuggle in any string despite the type.
  if (!isSafetensorsDType(d)) {
    throw new Error(`safetensors: unknown dtype ${describe(d)}; expected one of ${SAFETENSORS_DTYPES.join(', ')}`);
  }
  return DTYPE_BYTES[d];
}

export function fail(source: string, message: string): never {
  throw new Error(`safetensors: ${source}: ${message}`);
}

/** Short printable rendering of an arbitrary (possibly hostile) JSON value for error messages. */
export function describe(v: unknown): string {
  let s: string;
  try {
    s = v === undefined ? 'undefined' : JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

// Plain assignment of the key "__proto__" would change the prototype instead of
// storing a value, silently dropping a legitimately named tensor or metadata key.
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates a shape and returns its element count (may be imprecise beyond 2^53, which then never matches a real byte count). */
export function checkShape(shape: unknown, where: string, source: string): number {
  if (!Array.isArray(shape)) {
    fail(source, `${where}: shape must be an array of non-negative integers, got ${describe(shape)}`);
  }
  let count = 1;
  shape.forEach((dim: unknown, i: number) => {
    if (typeof dim !== 'number' || !Number.isSafeInteger(dim) || dim < 0) {
      fail(source, `${where}: shape[${i}] must be a non-negative safe integer, got ${describe(dim)}`);
    }
    count *= dim;
  });
  return count;
}

export function checkMetadata(value: unknown, source: string): Record<string, string> {
  if (!isPlainObject(value)) {
    fail(source, `${METADATA_KEY} must be an object of string values, got ${describe(value)}`);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') {
      fail(source, `${METADATA_KEY}[${JSON.stringify(k)}] must be a string, got ${typeof v} ${describe(v)}`);
    }
    setOwn(out, k, v);
  }
  return out;
}

function checkName(name: unknown, source: string): string {
  if (typeof name !== 'string' || name.length === 0) {
    fail(source, `tensor name must be a non-empty string, got ${describe(name)}`);
  }
  if (name === METADATA_KEY) fail(source, `tensor name must not be the reserved key "${METADATA_KEY}"`);
  return name;
}

/** Validates one tensor handed to the encoder; returns its byte length. */
export function checkTensorForEncode(name: unknown, t: unknown, source: string): number {
  const n = checkName(name, source);
  const where = `tensor ${JSON.stringify(n)}`;
  if (!isPlainObject(t)) fail(source, `${where}: expected {dtype, shape, data}, got ${describe(t)}`);
  if (!isSafetensorsDType(t.dtype)) {
    fail(source, `${where}: unknown dtype ${describe(t.dtype)}; expected one of ${SAFETENSORS_DTYPES.join(', ')}`);
  }
  const count = checkShape(t.shape, where, source);
  if (!(t.data instanceof Uint8Array)) fail(source, `${where}: data must be a Uint8Array, got ${describe(t.data)}`);
  const expected = count * DTYPE_BYTES[t.dtype];
  if (t.data.length !== expected) {
    fail(source, `${where}: data has ${t.data.length} bytes but dtype ${t.dtype} with shape ${describe(t.shape)} needs ${expected} bytes`);
  }
  return expected;
}

const ENTRY_KEYS = ['dtype', 'shape', 'data_offsets'] as const;

function checkEntry(name: string, raw: unknown, dataLength: number, source: string): HeaderEntry {
  const where = `tensor ${JSON.stringify(name)}`;
  if (!isPlainObject(raw)) fail(source, `${where}: entry must be an object {dtype, shape, data_offsets}, got ${describe(raw)}`);
  const keys = Object.keys(raw);
  const missing = ENTRY_KEYS.filter((k) => !keys.includes(k));
  const extra = keys.filter((k) => !(ENTRY_KEYS as readonly string[]).includes(k));
  if (missing.length > 0 || extra.length > 0) {
    const problems = [
      missing.length > 0 ? `missing ${missing.join(', ')}` : '',
      extra.length > 0 ? `unexpected ${extra.map((k) => JSON.stringify(k)).join(', ')}` : '',
    ].filter((p) => p !== '');
    fail(source, `${where}: entry must have exactly the keys dtype, shape, data_offsets; ${problems.join('; ')}`);
  }
  const dtype = raw.dtype;
  if (!isSafetensorsDType(dtype)) {
    fail(source, `${where}: unknown dtype ${describe(dtype)}; expected one of ${SAFETENSORS_DTYPES.join(', ')}`);
  }
  const count = checkShape(raw.shape, where, source);
  const offs = raw.data_offsets;
  if (!Array.isArray(offs) || offs.length !== 2 ||
      !offs.every((o: unknown) => typeof o === 'number' && Number.isSafeInteger(o) && o >= 0)) {
    fail(source, `${where}: data_offsets must be [begin, end] of two non-negative integers, got ${describe(offs)}`);
  }
  const [begin, end] = offs as [number, number];
  if (begin > end) fail(source, `${where}: data_offsets begin ${begin} is greater than end ${end}; expected begin <= end`);
  if (end > dataLength) {
    fail(source, `${where}: data_offsets end ${end} is beyond the data buffer of ${dataLength} bytes`);
  }
  const expected = count * DTYPE_BYTES[dtype];
  if (end - begin !== expected) {
    fail(source, `${where}: data_offsets [${begin}, ${end}] span ${end - begin} bytes but dtype ${dtype} with shape ${describe(raw.shape)} needs ${expected} bytes`);
  }
  return { name, dtype, shape: [...(raw.shape as number[])], begin, end };
}

// The JSON may list tensors in any order, but together the ranges must tile
// the data buffer exactly: overlaps mean aliasing, holes mean smuggled bytes.
function checkLayout(entries: HeaderEntry[], dataLength: number, source: string): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  let prev: string | undefined;
  for (const e of sorted) {
    const where = `tensor ${JSON.stringify(e.name)} data_offsets [${e.begin}, ${e.end}]`;
    if (e.begin < cursor) {
      fail(source, `${where} overlaps tensor ${JSON.stringify(prev)} which ends at ${cursor}; expected begin ${cursor}`);
    }
    if (e.begin > cursor) {
      fail(source, `hole in data buffer: bytes [${cursor}, ${e.begin}) belong to no tensor; expected ${where} to begin at ${cursor}`);
    }
    cursor = e.end;
    prev = e.name;
  }
  if (cursor !== dataLength) {
    fail(source, `data buffer is ${dataLength} bytes but tensors cover only the first ${cursor}; expected them to end at ${dataLength}`);
  }
}

export interface ParsedHeader {
  /** Absolute offset of the data buffer within the file. */
  dataStart: number;
  entries: HeaderEntry[];
  metadata: Record<string, string>;
}

export function parseHeader(bytes: Uint8Array, source: string): ParsedHeader {
  if (bytes.length < 8) {
    fail(source, `file is ${bytes.length} bytes, shorter than the 8-byte header length prefix`);
  }
  const headerLen = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (headerLen > BigInt(MAX_HEADER_BYTES)) {
    fail(source, `header length ${headerLen} exceeds the limit of ${MAX_HEADER_BYTES} bytes (file is ${bytes.length} bytes); the file is corrupt`);
  }
  const n = Number(headerLen);
  if (8 + n > bytes.length) {
    fail(source, `header length ${n} is larger than the ${bytes.length - 8} bytes that follow the length prefix (file is ${bytes.length} bytes)`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (err) {
    fail(source, `header is not valid UTF-8 JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!isPlainObject(parsed)) fail(source, `header must be a JSON object, got ${describe(parsed)}`);

  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  let metadata: Record<string, string> = {};
  const entries: HeaderEntry[] = [];
  for (const [key, raw] of Object.entries(parsed)) {
    if (key === METADATA_KEY) {
      metadata = checkMetadata(raw, source);
      continue;
    }
    entries.push(checkEntry(checkName(key, source), raw, dataLength, source));
  }
  checkLayout(entries, dataLength, source);
  return { dataStart, entries, metadata };
}
