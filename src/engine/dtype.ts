// Element types and their libtorch codes (c10::ScalarType) and JS storage.

export type DType = 'float32' | 'float64' | 'int32' | 'int64' | 'uint8' | 'bool';
export type FloatDType = 'float32' | 'float64';

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'int64', 'uint8', 'bool'];

const CODES: Record<DType, number> = { uint8: 0, int32: 3, int64: 4, float32: 6, float64: 7, bool: 11 };
const BY_CODE = new Map<number, DType>(Object.entries(CODES).map(([name, code]) => [code, name as DType]));

export interface TypedArrayFor {
  float32: Float32Array;
  float64: Float64Array;
  int32: Int32Array;
  int64: BigInt64Array;
  uint8: Uint8Array;
  bool: Uint8Array;
}
export type AnyTypedArray = TypedArrayFor[DType];

export function dtypeCode(dtype: DType): number {
  const code = CODES[dtype];
  if (code === undefined) throw new TypeError(`unknown dtype '${String(dtype)}': expected one of ${DTYPES.join(', ')}`);
  return code;
}

export function dtypeFromCode(code: number): DType {
  const dtype = BY_CODE.get(code);
  if (dtype === undefined) throw new TypeError(`libtorch returned a tensor of scalar type ${code}, which catrain does not expose`);
  return dtype;
}

export function byteSize(dtype: DType): number {
  switch (dtype) {
    case 'float64':
    case 'int64':
      return 8;
    case 'float32':
    case 'int32':
      return 4;
    case 'uint8':
    case 'bool':
      return 1;
  }
}

export function isFloating(dtype: DType): dtype is FloatDType {
  return dtype === 'float32' || dtype === 'float64';
}

/** Views a buffer of raw elements as the typed array that holds this dtype in JS. */
export function typedArrayView<D extends DType>(dtype: D, buffer: ArrayBuffer): TypedArrayFor[D] {
  switch (dtype) {
    case 'float32':
      return new Float32Array(buffer) as TypedArrayFor[D];
    case 'float64':
      return new Float64Array(buffer) as TypedArrayFor[D];
    case 'int32':
      return new Int32Array(buffer) as TypedArrayFor[D];
    case 'int64':
      return new BigInt64Array(buffer) as TypedArrayFor[D];
    default:
      return new Uint8Array(buffer) as TypedArrayFor[D];
  }
}

/** The dtype a typed array holds when the caller does not say. */
export function dtypeOfTypedArray(data: AnyTypedArray): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof BigInt64Array) return 'int64';
  return 'uint8';
}

/** Copies plain numbers into the typed array of a dtype. */
export function typedArrayFrom(dtype: DType, values: ArrayLike<number | boolean>): AnyTypedArray {
  switch (dtype) {
    case 'float32':
      return Float32Array.from(values, Number);
    case 'float64':
      return Float64Array.from(values, Number);
    case 'int32':
      return Int32Array.from(values, Number);
    case 'int64':
      return BigInt64Array.from(values, (v) => BigInt(Math.trunc(Number(v))));
    case 'bool':
      return Uint8Array.from(values, (v) => (v ? 1 : 0));
    case 'uint8':
      return Uint8Array.from(values, Number);
  }
}
