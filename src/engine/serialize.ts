// Tensors to and from safetensors files (the codec itself is engine-free, in safetensors.ts).
import type { Device } from './device.js';
import { dtypeCode, type DType } from './dtype.js';
import { native } from './native.js';
import { readSafetensorsFile, writeSafetensorsFile, type RawTensor, type SafetensorsDType } from './safetensors.js';
import { Tensor } from './tensor.js';

const TO_FILE: Record<DType, SafetensorsDType> = { float32: 'F32', float64: 'F64', int32: 'I32', int64: 'I64', uint8: 'U8', bool: 'BOOL' };
const FROM_FILE = new Map<SafetensorsDType, DType>(Object.entries(TO_FILE).map(([dtype, file]) => [file, dtype as DType]));

export function toRawTensor(tensor: Tensor): RawTensor {
  return { dtype: TO_FILE[tensor.dtype], shape: [...tensor.shape], data: new Uint8Array(native.toBuffer(tensor.handle)) };
}

export function fromRawTensor(raw: RawTensor, name: string, device?: Device): Tensor {
  const dtype = FROM_FILE.get(raw.dtype);
  if (dtype === undefined) {
    throw new TypeError(`tensor '${name}' has dtype ${raw.dtype}, which catrain cannot load (supported: ${[...FROM_FILE.keys()].join(', ')})`);
  }
  return Tensor.fromHandle(native.fromBuffer(raw.data, raw.shape, dtypeCode(dtype), device));
}

/** Writes tensors atomically to a safetensors file (temporary file, then rename). */
export function saveTensors(path: string, tensors: Record<string, Tensor> | Map<string, Tensor>, metadata?: Record<string, string>): void {
  const entries = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
  writeSafetensorsFile(path, new Map(entries.map(([name, tensor]) => [name, toRawTensor(tensor)])), metadata);
}

/** Reads every tensor of a safetensors file, validating it strictly first. */
export function loadTensors(path: string, device?: Device): { tensors: Map<string, Tensor>; metadata: Record<string, string> } {
  const decoded = readSafetensorsFile(path);
  const tensors = new Map<string, Tensor>();
  try {
    for (const [name, raw] of decoded.tensors) tensors.set(name, fromRawTensor(raw, name, device));
  } catch (error) {
    for (const tensor of tensors.values()) tensor.dispose();
    throw error;
  }
  return { tensors, metadata: decoded.metadata };
}
