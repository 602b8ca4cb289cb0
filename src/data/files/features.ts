import { closeSync, fstatSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { readNpy, writeNpy } from './npy.js';
import { allocForRead, openForReading, readInto } from './read-into.js';
import { readNpz } from './npz.js';
import { firstNonFiniteRow, firstZeroRow, type Matrix } from './matrix.js';
import type { NdArray } from './ndarray.js';

export interface ReadFeaturesOptions {
  /** row length of a raw .bin file (learn-to-cluster stores none) */
  dim?: number;
  /** array to take from an .npz; default: 'embs', 'features', 'feats', 'data', or the only array */
  key?: string;
  /** accept NaN/Inf (for inspection); otherwise they are an error naming the row */
  allowNonFinite?: boolean;
  /** refuse all-zero rows (for anything ranked by cosine similarity), naming the first */
  rejectZeroRows?: boolean;
}

/** A 2-D float array as a float32 Matrix (float64 converted). */
export function toMatrix(a: NdArray, name: string): Matrix {
  if (a.shape.length !== 2) throw new Error(`${name}: features must be a 2-D array (rows × dim), got shape (${a.shape.join(', ')})`);
  const [rows, cols] = a.shape;
  if (a.dtype === 'float32') return { data: a.data as Float32Array, rows, cols };
  if (a.dtype === 'float64') return { data: Float32Array.from(a.data as Float64Array), rows, cols };
  throw new Error(`${name}: features must be float32 or float64, got ${a.dtype}`);
}

function pickKey(arrays: Record<string, NdArray>, name: string, key?: string): string {
  const keys = Object.keys(arrays);
  if (key !== undefined) {
    if (!(key in arrays)) throw new Error(`${name}: no array "${key}" (arrays: ${keys.join(', ')})`);
    return key;
  }
  const preferred = ['embs', 'features', 'feats', 'data'].find((k) => k in arrays);
  if (preferred) return preferred;
  if (keys.length === 1) return keys[0];
  throw new Error(`${name}: several arrays (${keys.join(', ')}); say which with --key NAME`);
}

const isDirectory = (path: string) => statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;

function readBin(path: string, dim: number | undefined): Matrix {
  if (dim === undefined || !Number.isInteger(dim) || dim <= 0) {
    throw new Error(`${path}: a raw .bin feature file needs its dimension (--dim D)`);
  }
  const fd = openForReading(path);
  try {
    const size = fstatSync(fd).size;
    if (size === 0) throw new Error(`${path}: empty file`);
    if (size % (4 * dim) !== 0) {
      throw new Error(`${path}: ${size} bytes is not a whole number of float32 rows of dimension ${dim} (truncated, or wrong --dim)`);
    }
    const data = new Float32Array(allocForRead(size));
    readInto(fd, new Uint8Array(data.buffer), 0, path);
    return { data, rows: size / (4 * dim), cols: dim };
  } finally {
    closeSync(fd);
  }
}

/** Reads a feature matrix from .npy, .npz or learn-to-cluster .bin (float64 is converted to float32). */
export function readFeatures(path: string, opts: ReadFeaturesOptions = {}): Matrix {
  if (isDirectory(path)) throw new Error(`${path}: is a directory, expected a .npy, .npz or .bin file`);
  const ext = extname(path).toLowerCase();
  let m: Matrix;
  if (ext === '.bin') m = readBin(path, opts.dim);
  else if (ext === '.npy') m = toMatrix(readNpy(path), path);
  else if (ext === '.npz') {
    const arrays = readNpz(path);
    const key = pickKey(arrays, path, opts.key);
    m = toMatrix(arrays[key], `${path}[${key}]`);
  } else throw new Error(`${path}: unknown feature format "${ext}" (expected .npy, .npz or .bin)`);
  if (opts.dim !== undefined && m.cols !== opts.dim) {
    throw new Error(`${path}: features have dimension ${m.cols}, expected ${opts.dim}`);
  }
  if (m.rows === 0) throw new Error(`${path}: no feature rows`);
  if (!opts.allowNonFinite) checkFinite(m, path);
  if (opts.rejectZeroRows) {
    const zero = firstZeroRow(m);
    if (zero >= 0) throw new Error(`${path}: row ${zero} is all zeros (cosine similarity is undefined)`);
  }
  return m;
}

/**
 * The one check every reader and writer of features and embeddings makes: NaN/Inf (a diverged model's
 * output, a damaged file) is an error naming the file and the first bad row.
 */
export function checkFinite(m: Matrix, name: string): void {
  const bad = firstNonFiniteRow(m);
  if (bad >= 0) throw new Error(`${name}: row ${bad} holds NaN or Inf`);
}

/** Writes features as .npy (float32, 2-D) or raw .bin, by extension, atomically. */
export function writeFeatures(path: string, m: Matrix): void {
  if (m.data.length !== m.rows * m.cols) throw new Error(`${path}: matrix of ${m.rows}×${m.cols} has ${m.data.length} values`);
  const ext = extname(path).toLowerCase();
  if (ext === '.npy') writeNpy(path, { dtype: 'float32', shape: [m.rows, m.cols], data: m.data });
  else if (ext === '.bin') writeFileAtomic(path, new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength));
  else throw new Error(`${path}: features are written as .npy or .bin, not "${ext}"`);
}
