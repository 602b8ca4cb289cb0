import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { writeFileAtomic } from './atomic.js';
import {
  bytesPerElement, descrOf, dtypeOfDescr, sizeOf, typedArrayFor, type NdArray, type DType,
} from './ndarray.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export interface NpyHeader {
  dtype: DType;
  shape: number[];
  /** bytes before the data: magic, version, length field, header text */
  dataOffset: number;
}

/** Parses the header of a .npy file (versions 1.0, 2.0, 3.0); `name` is used in errors. */
export function parseNpyHeader(bytes: Uint8Array, name: string): NpyHeader {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new Error(`${name}: not a .npy file (wrong magic)`);
  const major = bytes[6];
  if (major < 1 || major > 3) throw new Error(`${name}: unsupported .npy version ${major}.${bytes[7]}`);
  const lenBytes = major === 1 ? 2 : 4;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = lenBytes === 2 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenBytes;
  if (bytes.length < start + headerLen) throw new Error(`${name}: truncated .npy header`);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new Error(`${name}: malformed .npy header: ${text.trim()}`);
  }
  if (fortran === 'True') throw new Error(`${name}: Fortran-order arrays are not supported; save it in C order (np.ascontiguousarray)`);
  const dtype = dtypeOfDescr(descr);
  if (!dtype) {
    const what = descr.includes('O') ? 'object (pickled) arrays are not supported' : `unsupported dtype '${descr}'`;
    throw new Error(`${name}: ${what}; facet reads float32, float64, int32, int64, uint8 and bool`);
  }
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => {
    const n = Number(s.replace(/L$/, ''));
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name}: malformed shape (${shapeText})`);
    return n;
  });
  return { dtype, shape, dataOffset: start + headerLen };
}

function checkSize(name: string, h: NpyHeader, available: number): number {
  const need = sizeOf(h.shape) * bytesPerElement[h.dtype];
  if (available < need) {
    throw new Error(`${name}: truncated: shape (${h.shape.join(', ')}) of ${h.dtype} needs ${need} data bytes, file has ${available}`);
  }
  if (available > need) {
    throw new Error(`${name}: shape (${h.shape.join(', ')}) of ${h.dtype} needs ${need} data bytes, file has ${available} (size does not match shape)`);
  }
  return need;
}

/** Parses a whole .npy held in memory (an npz member). Copies only when the data is misaligned. */
export function parseNpy(bytes: Uint8Array, name: string): NdArray {
  const h = parseNpyHeader(bytes, name);
  const need = checkSize(name, h, bytes.length - h.dataOffset);
  const start = bytes.byteOffset + h.dataOffset;
  const width = bytesPerElement[h.dtype];
  const n = sizeOf(h.shape);
  if (start % width === 0) return { dtype: h.dtype, shape: h.shape, data: typedArrayFor(h.dtype, bytes.buffer as ArrayBuffer, start, n) };
  const copy = new Uint8Array(need);
  copy.set(bytes.subarray(h.dataOffset, h.dataOffset + need));
  return { dtype: h.dtype, shape: h.shape, data: typedArrayFor(h.dtype, copy.buffer, 0, n) };
}

/** Reads `length` bytes at `position` of an open file straight into `target` (in ≤1 GiB calls). */
export function readInto(fd: number, target: Uint8Array, position: number, name: string): void {
  let off = 0;
  while (off < target.length) {
    const got = readSync(fd, target, off, Math.min(target.length - off, 1 << 30), position + off);
    if (got === 0) throw new Error(`${name}: truncated (expected ${target.length} bytes, got ${off})`);
    off += got;
  }
}

/** Reads a .npy file: the data goes straight from disk into its final typed array (one copy in memory). */
export function readNpy(path: string): NdArray {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new Error(`${path}: cannot open (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  try {
    const size = fstatSync(fd).size;
    const head = new Uint8Array(Math.min(size, 65536 + 12));
    readInto(fd, head, 0, path);
    const h = parseNpyHeader(head, path);
    const need = checkSize(path, h, size - h.dataOffset);
    const buf = new ArrayBuffer(need);
    readInto(fd, new Uint8Array(buf), h.dataOffset, path);
    return { dtype: h.dtype, shape: h.shape, data: typedArrayFor(h.dtype, buf, 0, sizeOf(h.shape)) };
  } finally {
    closeSync(fd);
  }
}

/** The .npy bytes of an array: a version 1.0 header (2.0 if it does not fit) padded to 64 bytes, then the data. */
export function serializeNpy(a: NdArray): [Uint8Array, Uint8Array] {
  if (sizeOf(a.shape) !== a.data.length) {
    throw new Error(`array of shape (${a.shape.join(', ')}) has ${a.data.length} elements`);
  }
  const shape = a.shape.length === 1 ? `(${a.shape[0]},)` : `(${a.shape.join(', ')})`;
  const dict = `{'descr': '${descrOf[a.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  let version = 1;
  let lenBytes = 2;
  let total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  if (total - 10 > 0xffff) {
    version = 2;
    lenBytes = 4;
    total = Math.ceil((12 + dict.length + 1) / 64) * 64;
  }
  const header = new Uint8Array(total);
  header.set(MAGIC);
  header[6] = version;
  header[7] = 0;
  const view = new DataView(header.buffer);
  const headerLen = total - 8 - lenBytes;
  if (lenBytes === 2) view.setUint16(8, headerLen, true);
  else view.setUint32(8, headerLen, true);
  const text = dict.padEnd(headerLen - 1, ' ') + '\n';
  for (let i = 0; i < text.length; i++) header[8 + lenBytes + i] = text.charCodeAt(i);
  return [header, new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength)];
}

export function writeNpy(path: string, a: NdArray): void {
  writeFileAtomic(path, serializeNpy(a));
}
