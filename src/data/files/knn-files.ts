import { extname } from 'node:path';
import { readNpy, writeNpy } from './npy.js';
import { readNpz, writeNpz } from './npz.js';
import { numberAt } from './ndarray.js';
import type { Matrix } from './matrix.js';
import { firstNonFiniteRow } from './matrix.js';
import { toMatrix } from './features.js';

/** A kNN graph: n rows of k neighbours, best first, self normally at column 0; -1 pads a missing neighbour. */
export interface KnnGraph {
  n: number;
  k: number;
  indices: Int32Array;
  /** 1 − cosine similarity; NaN when the file stored none (NAAN's index-only .npy) */
  distances: Float32Array;
}

/**
 * Reads learn-to-cluster's `faiss_k_K.npz` (key `data`, shape (N, 2, K): row 0 neighbour indices stored
 * as floats, row 1 distances 1 − cosine) or NAAN's `*_knn.npy` ((N, K) integer indices).
 */
export function readKnn(path: string): KnnGraph {
  const ext = extname(path).toLowerCase();
  if (ext === '.npy') {
    const a = readNpy(path);
    if (a.shape.length !== 2) throw new Error(`${path}: a NAAN kNN file is an (N, K) array, got shape (${a.shape.join(', ')})`);
    if (a.dtype !== 'int32' && a.dtype !== 'int64') throw new Error(`${path}: kNN indices must be integers, got ${a.dtype}`);
    const [n, k] = a.shape;
    const indices = new Int32Array(n * k);
    for (let i = 0; i < indices.length; i++) indices[i] = numberAt(a, i);
    checkIndices(path, indices, n);
    return { n, k, indices, distances: new Float32Array(n * k).fill(NaN) };
  }
  if (ext !== '.npz') throw new Error(`${path}: unknown kNN format "${ext}" (expected faiss_k_K.npz or *_knn.npy)`);
  const arrays = readNpz(path);
  const a = arrays.data;
  if (!a) throw new Error(`${path}: no "data" array (learn-to-cluster kNN files hold data of shape (N, 2, K))`);
  if (a.shape.length !== 3 || a.shape[1] !== 2) throw new Error(`${path}: "data" must have shape (N, 2, K), got (${a.shape.join(', ')})`);
  const [n, , k] = a.shape;
  const indices = new Int32Array(n * k);
  const distances = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const idx = numberAt(a, i * 2 * k + j);
      if (!Number.isInteger(idx)) throw new Error(`${path}: row ${i}: neighbour index ${idx} is not an integer`);
      indices[i * k + j] = idx;
      distances[i * k + j] = numberAt(a, i * 2 * k + k + j);
    }
  }
  checkIndices(path, indices, n);
  const bad = distances.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new Error(`${path}: row ${Math.floor(bad / k)} column ${bad % k}: distance ${distances[bad]} (distances must be finite, 1 − cosine)`);
  return { n, k, indices, distances };
}

function checkIndices(path: string, indices: Int32Array, n: number): void {
  const k = indices.length / n;
  if (k > n) throw new Error(`${path}: ${k} neighbours per row but only ${n} rows (a row has at most ${n} neighbours, itself included)`);
  for (let i = 0; i < indices.length; i++) {
    const v = indices[i];
    if (v < -1 || v >= n) throw new Error(`${path}: neighbour index ${v} at row ${Math.floor(i / (indices.length / n))} is outside 0…${n - 1}`);
  }
}

/**
 * Writes learn-to-cluster's format exactly: np.savez_compressed(data=(N, 2, K) float64). Its knn classes
 * keep a list of (int32 nbrs, float32 dists) pairs and `dump2npz` saves that list, which numpy turns into
 * one float64 array (int32 and float32 promote to float64; checked with numpy 1.24). Indices are whole
 * numbers stored as floats (exact up to 2^53); learn-to-cluster reads them back with `.astype(np.int32)`.
 */
export function writeKnnLearnToCluster(path: string, g: KnnGraph): void {
  const data = new Float64Array(g.n * 2 * g.k);
  for (let i = 0; i < g.n; i++) {
    for (let j = 0; j < g.k; j++) {
      data[i * 2 * g.k + j] = g.indices[i * g.k + j];
      data[i * 2 * g.k + g.k + j] = g.distances[i * g.k + j];
    }
  }
  writeNpz(path, { data: { dtype: 'float64', shape: [g.n, 2, g.k], data } }, { compress: true });
}

/** Writes NAAN's `*_knn.npy`: (N, K) int64 indices (np.save of an integer array), self first. */
export function writeKnnNaan(path: string, g: KnnGraph): void {
  const data = new BigInt64Array(g.n * g.k);
  for (let i = 0; i < data.length; i++) data[i] = BigInt(g.indices[i]);
  writeNpy(path, { dtype: 'int64', shape: [g.n, g.k], data });
}

/** NAAN's `split*_feats.npz`: keys `embs` (N×D) and `labels` (N). */
export function readNaanFeats(path: string): { embs: Matrix; labels: Int32Array } {
  const arrays = readNpz(path);
  if (!arrays.embs) throw new Error(`${path}: no "embs" array (NAAN feature files hold embs and labels)`);
  const embs = toMatrix(arrays.embs, `${path}[embs]`);
  const bad = firstNonFiniteRow(embs);
  if (bad >= 0) throw new Error(`${path}: row ${bad} of embs holds NaN or Inf`);
  const l = arrays.labels;
  if (!l) throw new Error(`${path}: no "labels" array (NAAN feature files hold embs and labels)`);
  if (l.shape.length !== 1 || l.dtype.startsWith('float')) throw new Error(`${path}[labels]: must be a 1-D integer array`);
  if (l.shape[0] !== embs.rows) throw new Error(`${path}: ${l.shape[0]} labels for ${embs.rows} embeddings`);
  const labels = new Int32Array(embs.rows);
  for (let i = 0; i < labels.length; i++) labels[i] = numberAt(l, i);
  return { embs, labels };
}
