import { closeSync, fstatSync } from 'node:fs';
import { allocForRead, openForReading, readInto } from './read-into.js';
import { writeFileAtomicWith } from './atomic.js';
import {
  bytesPerElement, descrOf, dtypeOfDescr, sizeOf, typedArrayFor, type NdArray, type DType,
} from './ndarray.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

interface NpyHeader {
  dtype: DType;
  shape: number[];
  /** bytes before the data: magic, version, length field, header text */
  dataOffset: number;
}

/** Checks the magic and version of a .npy and finds where its header text lies (from its first 12 bytes). */
function npyPreamble(bytes: Uint8Array, name: string): { major: number; start: number; headerLen: number } {
  if (bytes.length < 8 || MAGIC.some((b, i) => bytes[i] !== b)) throw new Error(`${name}: not a .npy file (wrong magic)`);
  const major = bytes[6];
  if (major < 1 || major > 3) throw new Error(`${name}: unsupported .npy version ${major}.${bytes[7]}`);
  const start = major === 1 ? 10 : 12;
  if (bytes.length < start) throw new Error(`${name}: truncated .npy header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  return { major, start, headerLen };
}

/** Parses the header of a .npy file (versions 1.0, 2.0, 3.0); `name` is used in errors. */
function parseNpyHeader(bytes: Uint8Array, name: string): NpyHeader {
  const { major, start, headerLen } = npyPreamble(bytes, name);
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

/**
 * Reads the .npy held in bytes [start, start + length) of an open file (a whole .npy, or a stored npz
 * member): the header first, then the data straight from disk into its final typed array (one copy in memory).
 */
export function readNpyAt(fd: number, start: number, length: number, name: string): NdArray {
  const prefix = new Uint8Array(Math.min(length, 12));
  readInto(fd, prefix, start, name);
  const { start: textStart, headerLen } = npyPreamble(prefix, name);
  const head = new Uint8Array(Math.min(length, textStart + headerLen));
  readInto(fd, head, start, name);
  const h = parseNpyHeader(head, name);
  const need = checkSize(name, h, length - h.dataOffset);
  const buf = allocForRead(need);
  readInto(fd, new Uint8Array(buf), start + h.dataOffset, name);
  return { dtype: h.dtype, shape: h.shape, data: typedArrayFor(h.dtype, buf, 0, sizeOf(h.shape)) };
}

/** Reads a .npy file without holding it twice in memory. */
export function readNpy(path: string): NdArray {
  const fd = openForReading(path);
  try {
    return readNpyAt(fd, 0, fstatSync(fd).size, path);
  } finally {
    closeSync(fd);
  }
}

export type NpyVersion = 1 | 2 | 3;

/**
 * The .npy bytes of an array: header, padded with spaces to a multiple of 64 bytes as numpy does, then
 * the data (not copied). Version 1.0 unless asked otherwise (2.0 when the header outgrows 1.0's 16-bit
 * length; 3.0 only differs by allowing UTF-8 in the header, which facet's ASCII headers never need).
 */
export function serializeNpy(a: NdArray, requested: NpyVersion = 1): [Uint8Array, Uint8Array] {
  if (sizeOf(a.shape) !== a.data.length) {
    throw new Error(`array of shape (${a.shape.join(', ')}) has ${a.data.length} elements`);
  }
  const shape = a.shape.length === 1 ? `(${a.shape[0]},)` : `(${a.shape.join(', ')})`;
  const dict = `{'descr': '${descrOf[a.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  const paddedTotal = (lenBytes: number) => Math.ceil((8 + lenBytes + dict.length + 1) / 64) * 64;
  const version = requested === 1 && paddedTotal(2) - 10 > 0xffff ? 2 : requested;
  const lenBytes = version === 1 ? 2 : 4;
  const total = paddedTotal(lenBytes);
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

/** Writes an .npy atomically (header and data written in turn, never concatenated). */
export function writeNpy(path: string, a: NdArray, opts: { version?: NpyVersion } = {}): void {
  writeFileAtomicWith(path, (write) => serializeNpy(a, opts.version).forEach(write));
}
