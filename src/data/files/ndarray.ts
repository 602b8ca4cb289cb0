/** An n-dimensional array as numpy stores it: C order, one of the dtypes feature files use. */
export type DType = 'float32' | 'float64' | 'int32' | 'int64' | 'uint8' | 'bool';

export type TypedData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

export interface NdArray {
  dtype: DType;
  shape: number[];
  data: TypedData;
}

export const bytesPerElement: Record<DType, number> = {
  float32: 4, float64: 8, int32: 4, int64: 8, uint8: 1, bool: 1,
};

/** numpy descr (little-endian) ↔ dtype. */
export const descrOf: Record<DType, string> = {
  float32: '<f4', float64: '<f8', int32: '<i4', int64: '<i8', uint8: '|u1', bool: '|b1',
};

export function dtypeOfDescr(descr: string): DType | undefined {
  const d = descr.replace(/^[=]/, '<');
  for (const [k, v] of Object.entries(descrOf)) if (v === d || (v[0] === '|' && `<${v.slice(1)}` === d)) return k as DType;
  return undefined;
}

export function typedArrayFor(dtype: DType, buffer: ArrayBuffer, byteOffset: number, length: number): TypedData {
  switch (dtype) {
    case 'float32': return new Float32Array(buffer, byteOffset, length);
    case 'float64': return new Float64Array(buffer, byteOffset, length);
    case 'int32': return new Int32Array(buffer, byteOffset, length);
    case 'int64': return new BigInt64Array(buffer, byteOffset, length);
    case 'uint8':
    case 'bool': return new Uint8Array(buffer, byteOffset, length);
  }
}

export function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Element i as a JS number (int64 converted; exact up to 2^53). */
export function numberAt(a: NdArray, i: number): number {
  const v = a.data[i];
  return typeof v === 'bigint' ? Number(v) : v;
}
