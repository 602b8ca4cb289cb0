import { createRequire } from 'node:module';
import type { KnnGraph, Matrix } from '../data/files/index.js';
import { kernels } from '../compute/index.js';
import { checkK } from './prepare.js';

export interface HnswOptions {
  /** graph degree (hnswlib M) */
  m?: number;
  efConstruction?: number;
  /** search breadth; raised to k when smaller */
  efSearch?: number;
  seed?: number;
  onProgress?: (stage: 'build' | 'search', done: number) => void;
}

interface HnswIndex {
  initIndex(o: { maxElements: number; m: number; efConstruction: number; randomSeed: number }): void;
  addPoint(v: number[], label: number): void;
  setEf(ef: number): void;
  searchKnn(v: number[], k: number): { distances: number[]; neighbors: number[] };
}

/**
 * Approximate kNN with hnswlib-node (inner-product space on normalised features, so distance =
 * 1 − cosine as learn-to-cluster writes it). Self is put at column 0 as in the exact search; rows
 * the graph returns fewer neighbours for are padded with −1 / distance 1.
 */
export function hnswKnn(f: Matrix, k: number, o: HnswOptions = {}): KnnGraph {
  const { rows: n, cols: d, data } = f;
  checkK(k, n);
  const { HierarchicalNSW } = createRequire(import.meta.url)('hnswlib-node') as { HierarchicalNSW: new (space: string, dim: number) => HnswIndex };
  const index = new HierarchicalNSW('ip', d);
  index.initIndex({ maxElements: n, m: o.m ?? 16, efConstruction: o.efConstruction ?? 200, randomSeed: o.seed ?? 100 });
  for (let i = 0; i < n; i++) {
    // hnswlib-node takes plain arrays only
    index.addPoint(Array.from(data.subarray(i * d, (i + 1) * d)), i);
    if ((i + 1) % 4096 === 0 || i + 1 === n) o.onProgress?.('build', i + 1);
  }
  index.setEf(Math.max(o.efSearch ?? 128, k + 1));
  const indices = new Int32Array(n * k).fill(-1);
  const distances = new Float32Array(n * k).fill(1);
  for (let i = 0; i < n; i++) {
    const q = data.subarray(i * d, (i + 1) * d);
    const r = index.searchKnn(Array.from(q), Math.min(n, k + 1));
    let self = 0;
    for (let j = 0; j < d; j++) self += q[j] * q[j];
    indices[i * k] = i;
    distances[i * k] = 1 - Math.fround(self);
    let col = 1;
    for (let j = 0; j < r.neighbors.length && col < k; j++) {
      if (r.neighbors[j] === i) continue;
      indices[i * k + col] = r.neighbors[j];
      distances[i * k + col] = r.distances[j];
      col++;
    }
    if ((i + 1) % 4096 === 0 || i + 1 === n) o.onProgress?.('search', i + 1);
  }
  return { n, k, indices, distances };
}

/**
 * recall@(k−1) of an approximate graph against exact search on a sample of rows: the fraction of
 * each sampled row's true k−1 nearest other rows that the approximate row holds.
 */
export function sampleRecall(f: Matrix, approx: KnnGraph, sampleRows: ArrayLike<number>): number {
  const { cols: d, data } = f;
  const k = approx.k;
  const q = new Float32Array(sampleRows.length * d);
  for (let t = 0; t < sampleRows.length; t++) q.set(data.subarray(sampleRows[t] * d, (sampleRows[t] + 1) * d), t * d);
  const top = kernels().topkInnerProduct(q, sampleRows.length, data, f.rows, d, k);
  let found = 0, total = 0;
  for (let t = 0; t < sampleRows.length; t++) {
    const i = sampleRows[t];
    const want = new Set(Array.from(top.indices.subarray(t * k, (t + 1) * k)).filter((j) => j !== i).slice(0, k - 1));
    for (const j of approx.indices.subarray(i * k + 1, (i + 1) * k)) if (want.has(j)) found++;
    total += want.size;
  }
  return total ? found / total : 1;
}
