import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import {
  type RawTensor,
  type SafetensorsDType,
  decodeSafetensors,
  dtypeByteSize,
  encodeSafetensors,
  readSafetensorsFile,
  writeSafetensorsFile,
} from '../../src/engine/safetensors.js';

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice();
}

/** Builds a file by hand: u64 LE header length, header JSON (unpadded), data. */
function buildFile(header: unknown, data: Uint8Array = new Uint8Array(0), headerLenOverride?: bigint): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, headerLenOverride ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function headerLength(file: Uint8Array): number {
  return Number(new DataView(file.buffer, file.byteOffset, 8).getBigUint64(0, true));
}

const PREFIX = /^safetensors: <buffer>: /;

function expectDecodeError(file: Uint8Array, ...patterns: RegExp[]): void {
  assert.throws(
    () => decodeSafetensors(file),
    (err: unknown) => {
      assert.ok(err instanceof Error);
      assert.match(err.message, PREFIX);
      for (const p of patterns) assert.match(err.message, p);
      return true;
    },
  );
}

function freshDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'catrain-st-'));
}

test('dtypeByteSize', () => {
  const expected: Record<SafetensorsDType, number> = {
    F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1,
  };
  for (const [d, n] of Object.entries(expected)) assert.equal(dtypeByteSize(d as SafetensorsDType), n);
  assert.throws(() => dtypeByteSize('F8' as SafetensorsDType), /unknown dtype "F8"; expected one of F64/);
});

test('round trip of several dtypes, empty tensor and scalar', () => {
  const tensors = new Map<string, RawTensor>([
    ['w', { dtype: 'F32', shape: [2, 3], data: bytesOf(new Float32Array([1, 2, 3, 4.5, -5, 6])) }],
    ['d', { dtype: 'F64', shape: [2], data: bytesOf(new Float64Array([Math.PI, -0])) }],
    ['h', { dtype: 'F16', shape: [3], data: new Uint8Array([0x00, 0x3c, 0x00, 0xc0, 0xff, 0x7b]) }],
    ['b', { dtype: 'BF16', shape: [1], data: new Uint8Array([0x80, 0x3f]) }],
    ['steps', { dtype: 'I64', shape: [], data: bytesOf(new BigInt64Array([123456789012345n])) }],
    ['idx', { dtype: 'I32', shape: [2], data: bytesOf(new Int32Array([-7, 2 ** 30])) }],
    ['s', { dtype: 'I16', shape: [1, 1], data: bytesOf(new Int16Array([-300])) }],
    ['c', { dtype: 'I8', shape: [2], data: bytesOf(new Int8Array([-128, 127])) }],
    ['u', { dtype: 'U8', shape: [3], data: new Uint8Array([0, 128, 255]) }],
    ['mask', { dtype: 'BOOL', shape: [2], data: new Uint8Array([1, 0]) }],
    ['empty', { dtype: 'F32', shape: [0, 4], data: new Uint8Array(0) }],
    ['scalar', { dtype: 'F32', shape: [], data: bytesOf(new Float32Array([0.25])) }],
  ]);
  const file = encodeSafetensors(tensors);
  const { tensors: out, metadata } = decodeSafetensors(file);
  assert.deepEqual(metadata, {});
  assert.deepEqual([...out.keys()].sort(), [...tensors.keys()].sort());
  for (const [name, t] of tensors) {
    const got = out.get(name);
    assert.ok(got, name);
    assert.equal(got.dtype, t.dtype, name);
    assert.deepEqual(got.shape, t.shape, name);
    assert.deepEqual([...got.data], [...t.data], name);
  }
  const scalar = out.get('scalar');
  assert.ok(scalar);
  assert.equal(new DataView(scalar.data.buffer, scalar.data.byteOffset, 4).getFloat32(0, true), 0.25);
});

test('plain-object input and decode returns views, not copies', () => {
  const file = encodeSafetensors({ a: { dtype: 'U8', shape: [2], data: new Uint8Array([9, 8]) } });
  const a = decodeSafetensors(file).tensors.get('a');
  assert.ok(a);
  assert.equal(a.data.buffer, file.buffer);
  assert.deepEqual([...a.data], [9, 8]);
});

test('metadata round trip', () => {
  const meta = { format: 'pt', 'epoch': '3', 'unicode ✓': 'värde', __proto__x: '' };
  const file = encodeSafetensors({ x: { dtype: 'U8', shape: [1], data: new Uint8Array([1]) } }, meta);
  assert.deepEqual(decodeSafetensors(file).metadata, meta);
  const bare = encodeSafetensors({}, {});
  assert.deepEqual(decodeSafetensors(bare), { tensors: new Map(), metadata: {} });
});

test('data buffer starts at an 8-byte aligned offset, header padded with spaces', () => {
  for (let nameLen = 1; nameLen <= 16; nameLen++) {
    const file = encodeSafetensors({ ['n'.repeat(nameLen)]: { dtype: 'U8', shape: [3], data: new Uint8Array([1, 2, 3]) } });
    const n = headerLength(file);
    assert.equal((8 + n) % 8, 0, `name length ${nameLen}`);
    assert.equal(file.length, 8 + n + 3);
    const headerText = new TextDecoder().decode(file.subarray(8, 8 + n));
    assert.match(headerText, /^\{.*\} *$/);
    assert.ok(headerText.trimEnd().length >= n - 7);
  }
});

test('known bytes: hand-built file decodes to the right values', () => {
  const data = new Uint8Array(10);
  const dv = new DataView(data.buffer);
  dv.setFloat32(0, 1.5, true);
  dv.setFloat32(4, -2, true);
  dv.setInt16(8, -3, true);
  const header = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},' +
    '"b":{"dtype":"I16","shape":[],"data_offsets":[8,10]},"__metadata__":{"k":"v"}}';
  const file = buildFile(header, data);
  // Known layout: length prefix bytes, then the header text itself.
  assert.deepEqual([...file.subarray(0, 8)], [header.length, 0, 0, 0, 0, 0, 0, 0]);
  const { tensors, metadata } = decodeSafetensors(file);
  assert.deepEqual(metadata, { k: 'v' });
  const a = tensors.get('a');
  const b = tensors.get('b');
  assert.ok(a && b);
  assert.deepEqual(a.shape, [2]);
  const av = new DataView(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  assert.deepEqual([av.getFloat32(0, true), av.getFloat32(4, true)], [1.5, -2]);
  assert.deepEqual(b.shape, []);
  assert.equal(new DataView(b.data.buffer, b.data.byteOffset, 2).getInt16(0, true), -3);
});

test('encoder output matches the documented byte layout', () => {
  const file = encodeSafetensors({ x: { dtype: 'I8', shape: [2], data: new Uint8Array([5, 251]) } }, { m: '1' });
  const n = headerLength(file);
  const parsed: unknown = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + n)));
  assert.deepEqual(parsed, {
    __metadata__: { m: '1' },
    x: { dtype: 'I8', shape: [2], data_offsets: [0, 2] },
  });
  assert.deepEqual([...file.subarray(8 + n)], [5, 251]);
});

test('encode validates its inputs', () => {
  const u8 = (n: number): Uint8Array => new Uint8Array(n);
  assert.throws(() => encodeSafetensors({ x: { dtype: 'F32', shape: [2], data: u8(7) } }),
    /^Error: safetensors: <encode>: tensor "x": data has 7 bytes but dtype F32 with shape \[2\] needs 8 bytes/);
  assert.throws(() => encodeSafetensors({ '': { dtype: 'U8', shape: [1], data: u8(1) } }), /non-empty/);
  assert.throws(() => encodeSafetensors({ __metadata__: { dtype: 'U8', shape: [1], data: u8(1) } }), /reserved/);
  assert.throws(() => encodeSafetensors({ x: { dtype: 'F8' as SafetensorsDType, shape: [1], data: u8(1) } }),
    /unknown dtype "F8"; expected one of F64, F32/);
  assert.throws(() => encodeSafetensors({ x: { dtype: 'U8', shape: [-1], data: u8(0) } }), /shape\[0\] must be a non-negative/);
  assert.throws(() => encodeSafetensors({ x: { dtype: 'U8', shape: [1.5], data: u8(1) } }), /shape\[0\]/);
  const badMeta = { n: 1 } as unknown as Record<string, string>;
  assert.throws(() => encodeSafetensors({}, badMeta), /__metadata__\["n"\] must be a string, got number 1/);
});

test('a tensor named __proto__ survives the round trip', () => {
  const tensors = new Map<string, RawTensor>([['__proto__', { dtype: 'U8', shape: [1], data: new Uint8Array([7]) }]]);
  const out = decodeSafetensors(encodeSafetensors(tensors)).tensors;
  assert.deepEqual([...(out.get('__proto__')?.data ?? [])], [7]);
});

test('corrupt: truncated below 8 bytes', () => {
  expectDecodeError(new Uint8Array(0), /file is 0 bytes, shorter than the 8-byte/);
  expectDecodeError(encodeSafetensors({}).subarray(0, 5), /file is 5 bytes/);
});

test('corrupt: header length larger than the file', () => {
  const good = encodeSafetensors({ x: { dtype: 'U8', shape: [2], data: new Uint8Array(2) } });
  const bad = good.slice();
  new DataView(bad.buffer).setBigUint64(0, BigInt(bad.length), true);
  expectDecodeError(bad, new RegExp(`header length ${bad.length} is larger than the ${bad.length - 8} bytes`),
    new RegExp(`file is ${bad.length} bytes`));
  expectDecodeError(good.subarray(0, 20), /header length \d+ is larger than the 12 bytes/);
});

test('corrupt: absurd header length', () => {
  const bad = buildFile({}, new Uint8Array(0), 1n << 40n);
  expectDecodeError(bad, /header length 1099511627776 exceeds the limit of 104857600 bytes/);
});

test('corrupt: invalid JSON, non-UTF-8 and non-object header', () => {
  expectDecodeError(buildFile('{"x": '), /header is not valid UTF-8 JSON/);
  const badUtf8 = buildFile('{"a":"??"}');
  badUtf8[8 + 6] = 0xff;
  expectDecodeError(badUtf8, /not valid UTF-8 JSON/);
  expectDecodeError(buildFile('[1,2]'), /header must be a JSON object, got \[1,2\]/);
  expectDecodeError(buildFile('null'), /header must be a JSON object, got null/);
});

test('corrupt: entry keys, dtype, shape, offsets', () => {
  const d4 = new Uint8Array(4);
  expectDecodeError(buildFile({ x: { dtype: 'U8', shape: [4] } }, d4), /tensor "x": entry must have exactly.*missing data_offsets/);
  expectDecodeError(buildFile({ x: { dtype: 'U8', shape: [4], data_offsets: [0, 4], extra: 1 } }, d4), /unexpected "extra"/);
  expectDecodeError(buildFile({ x: 5 }, d4), /tensor "x": entry must be an object/);
  expectDecodeError(buildFile({ x: { dtype: 'F8', shape: [4], data_offsets: [0, 4] } }, d4),
    /tensor "x": unknown dtype "F8"; expected one of F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL/);
  expectDecodeError(buildFile({ x: { dtype: 'U8', shape: 4, data_offsets: [0, 4] } }, d4), /shape must be an array/);
  expectDecodeError(buildFile({ x: { dtype: 'U8', shape: [2, -2], data_offsets: [0, 4] } }, d4), /shape\[1\] must be a non-negative safe integer, got -2/);
  expectDecodeError(buildFile({ x: { dtype: 'U8', shape: [4], data_offsets: [0] } }, d4), /data_offsets must be \[begin, end\]/);
  expectDecodeError(buildFile({ x: { dtype: 'U8', shape: [4], data_offsets: [0, '4'] } }, d4), /data_offsets must be/);
  expectDecodeError(buildFile({ x: { dtype: 'U8', shape: [0], data_offsets: [4, 0] } }, d4), /begin 4 is greater than end 0/);
  expectDecodeError(buildFile({ '': { dtype: 'U8', shape: [4], data_offsets: [0, 4] } }, d4), /non-empty/);
});

test('corrupt: shape / byte count mismatch', () => {
  const file = buildFile({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8));
  expectDecodeError(file, /tensor "w": data_offsets \[0, 8\] span 8 bytes but dtype F32 with shape \[3\] needs 12 bytes/);
});

test('corrupt: offsets past the end of the data buffer', () => {
  const file = buildFile({ w: { dtype: 'U8', shape: [8], data_offsets: [4, 12] } }, new Uint8Array(10));
  expectDecodeError(file, /tensor "w": data_offsets end 12 is beyond the data buffer of 10 bytes/);
});

test('corrupt: overlapping ranges', () => {
  const file = buildFile({
    a: { dtype: 'U8', shape: [4], data_offsets: [0, 4] },
    b: { dtype: 'U8', shape: [4], data_offsets: [2, 6] },
  }, new Uint8Array(6));
  expectDecodeError(file, /tensor "b" data_offsets \[2, 6\] overlaps tensor "a" which ends at 4; expected begin 4/);
});

test('corrupt: holes in the data buffer', () => {
  const between = buildFile({
    a: { dtype: 'U8', shape: [2], data_offsets: [0, 2] },
    b: { dtype: 'U8', shape: [2], data_offsets: [4, 6] },
  }, new Uint8Array(6));
  expectDecodeError(between, /hole in data buffer: bytes \[2, 4\) belong to no tensor; expected tensor "b".*to begin at 2/);
  const atStart = buildFile({ a: { dtype: 'U8', shape: [2], data_offsets: [1, 3] } }, new Uint8Array(3));
  expectDecodeError(atStart, /bytes \[0, 1\) belong to no tensor/);
  const atEnd = buildFile({ a: { dtype: 'U8', shape: [2], data_offsets: [0, 2] } }, new Uint8Array(5));
  expectDecodeError(atEnd, /data buffer is 5 bytes but tensors cover only the first 2; expected them to end at 5/);
  expectDecodeError(buildFile({}, new Uint8Array(1)), /data buffer is 1 bytes but tensors cover only the first 0/);
});

test('unordered but contiguous ranges are accepted, empty tensors anywhere', () => {
  const data = new Uint8Array([1, 2, 3, 4, 5, 6]);
  const file = buildFile({
    c: { dtype: 'U8', shape: [2], data_offsets: [4, 6] },
    e: { dtype: 'I32', shape: [0], data_offsets: [4, 4] },
    a: { dtype: 'U8', shape: [2], data_offsets: [0, 2] },
    b: { dtype: 'I16', shape: [1], data_offsets: [2, 4] },
  }, data);
  const { tensors } = decodeSafetensors(file);
  assert.deepEqual([...(tensors.get('a')?.data ?? [])], [1, 2]);
  assert.deepEqual([...(tensors.get('b')?.data ?? [])], [3, 4]);
  assert.deepEqual([...(tensors.get('c')?.data ?? [])], [5, 6]);
  assert.equal(tensors.get('e')?.data.length, 0);
});

test('corrupt: non-string metadata value', () => {
  const file = buildFile({ __metadata__: { epoch: 3 } });
  expectDecodeError(file, /__metadata__\["epoch"\] must be a string, got number 3/);
  expectDecodeError(buildFile({ __metadata__: ['a'] }), /__metadata__ must be an object of string values/);
});

test('file round trip; missing file names the path', () => {
  const dir = freshDir();
  try {
    const p = path.join(dir, 'model.safetensors');
    writeSafetensorsFile(p, { w: { dtype: 'F64', shape: [1], data: bytesOf(new Float64Array([2.5])) } }, { a: 'b' });
    const { tensors, metadata } = readSafetensorsFile(p);
    assert.deepEqual(metadata, { a: 'b' });
    const w = tensors.get('w');
    assert.ok(w);
    // Read into a fresh buffer, so the aligned data section allows a zero-copy typed view.
    assert.equal(w.data.byteOffset % 8, 0);
    assert.deepEqual([...new Float64Array(w.data.buffer, w.data.byteOffset, 1)], [2.5]);

    const missing = path.join(dir, 'nope.safetensors');
    assert.throws(() => readSafetensorsFile(missing), { message: `safetensors: ${missing}: file not found` });
    fs.writeFileSync(path.join(dir, 'bad.safetensors'), new Uint8Array(3));
    assert.throws(() => readSafetensorsFile(path.join(dir, 'bad.safetensors')),
      new RegExp(`^Error: safetensors: ${path.join(dir, 'bad.safetensors').replace(/[.\\]/g, '\\$&')}: file is 3 bytes`));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('atomic write: overwrite leaves old or new contents and no temp files', () => {
  const dir = freshDir();
  try {
    const p = path.join(dir, 'ckpt.safetensors');
    const v1 = { x: { dtype: 'U8' as const, shape: [3], data: new Uint8Array([1, 2, 3]) } };
    const v2 = { x: { dtype: 'U8' as const, shape: [5], data: new Uint8Array([9, 8, 7, 6, 5]) } };
    writeSafetensorsFile(p, v1);
    const before = fs.readFileSync(p);
    writeSafetensorsFile(p, v2, { v: '2' });
    const after = fs.readFileSync(p);
    assert.deepEqual(new Uint8Array(after), encodeSafetensors(v2, { v: '2' }));
    assert.notDeepEqual(new Uint8Array(after), new Uint8Array(before));
    assert.deepEqual(fs.readdirSync(dir), ['ckpt.safetensors']);

    // Invalid input fails before touching the filesystem: old contents stay.
    const bad = { x: { dtype: 'U8' as const, shape: [4], data: new Uint8Array(2) } };
    assert.throws(() => writeSafetensorsFile(p, bad), /needs 4 bytes/);
    assert.deepEqual(new Uint8Array(fs.readFileSync(p)), new Uint8Array(after));
    assert.deepEqual(fs.readdirSync(dir), ['ckpt.safetensors']);

    // A failing rename (target is a directory) must clean up its temp file.
    const asDir = path.join(dir, 'occupied');
    fs.mkdirSync(asDir);
    assert.throws(() => writeSafetensorsFile(asDir, v1), (err: unknown) => err instanceof Error);
    assert.ok(fs.statSync(asDir).isDirectory());
    assert.deepEqual(fs.readdirSync(dir).sort(), ['ckpt.safetensors', 'occupied']);

    // Target directory missing: the temp file cannot even be created; nothing appears.
    assert.throws(() => writeSafetensorsFile(path.join(dir, 'no', 'such', 'f.safetensors'), v1), /ENOENT/);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['ckpt.safetensors', 'occupied']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
