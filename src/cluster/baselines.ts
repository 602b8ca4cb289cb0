import type { KnnGraph, Matrix } from '../data/files/index.js';
import { knnEdges, thresholdComponents } from './knn-edges.js';
import { propagate } from './propagation.js';
import { chineseWhispers } from './chinese-whispers.js';
import { kMeans } from './kmeans.js';
import { clusteringMetrics } from '../eval/clustering.js';

export const BASELINE_METHODS = ['threshold', 'cdp', 'chinese-whispers', 'kmeans'] as const;
export type BaselineMethod = (typeof BASELINE_METHODS)[number];

export interface BaselineOptions {
  /** cosine similarity an edge needs (threshold: 0.7 · cdp: 0.66 · chinese-whispers: 0.6 by default) */
  threshold?: number;
  /** neighbours per row used, self excluded (default: all of the file's) */
  k?: number;
  /** cdp: propagation parameters (CDP config: max_sz 600, step 0.05, max_iter 100) */
  maxSize?: number;
  step?: number;
  maxIter?: number;
  /** chinese-whispers rounds / k-means Lloyd rounds */
  iterations?: number;
  /** kmeans: called after each Lloyd round (progress) */
  onIteration?: (done: number) => void;
  /** kmeans: number of clusters */
  clusters?: number;
  seed?: number;
}

export const DEFAULT_THRESHOLD: Record<BaselineMethod, number> = { threshold: 0.7, cdp: 0.66, 'chinese-whispers': 0.6, kmeans: NaN };

/**
 * The cheap clusterings NAAN is compared with. Graph methods read cosine similarities from the kNN
 * file (1 − distance) and give −1 to nodes left without an edge (CDP's "discarded"); k-means needs
 * the features. Returns one label per node.
 */
export function clusterBaseline(method: BaselineMethod, knn: KnnGraph | undefined, features: Matrix | undefined, o: BaselineOptions = {}): Int32Array {
  const seed = o.seed ?? 0;
  if (method === 'kmeans') {
    if (!features) throw new Error('baseline kmeans: --features is required');
    if (o.clusters === undefined) throw new Error('baseline kmeans: --clusters is required');
    if (o.clusters > features.rows) throw new Error(`--clusters ${o.clusters}: larger than the ${features.rows} feature rows`);
    return kMeans(features, { k: o.clusters, iterations: o.iterations ?? 20, seed, onIteration: o.onIteration });
  }
  if (!knn) throw new Error(`baseline ${method}: --knn is required`);
  if (knn.n > 0 && Number.isNaN(knn.distances[0])) throw new Error(`baseline ${method}: the kNN file holds no distances (a NAAN index-only .npy); use a learn-to-cluster faiss_k_*.npz`);
  const g = o.k === undefined ? knn : firstNeighbours(knn, o.k);
  const th = o.threshold ?? DEFAULT_THRESHOLD[method];
  const edges = knnEdges(g, th);
  if (method === 'threshold') return thresholdComponents(g.n, edges, th);
  if (method === 'chinese-whispers') return chineseWhispers(g.n, edges, { iterations: o.iterations ?? 20, seed });
  // CDP single-model "vote": pairs above th, scored by cosine, propagated from the minimum score
  return propagate(g.n, edges.edges, edges.scores, { maxSize: o.maxSize ?? 600, step: o.step ?? 0.05, maxIter: o.maxIter ?? 100 }).labels;
}

/** The first k neighbours of each row after the self column (column 0 kept: knnEdges skips self). */
function firstNeighbours(g: KnnGraph, k: number): KnnGraph {
  if (!Number.isInteger(k) || k < 1 || k >= g.k) throw new Error(`--k must be an integer in 1…${g.k - 1} (the kNN file has ${g.k} columns, self included), got ${k}`);
  const cols = k + 1;
  const indices = new Int32Array(g.n * cols);
  const distances = new Float32Array(g.n * cols);
  for (let i = 0; i < g.n; i++) {
    indices.set(g.indices.subarray(i * g.k, i * g.k + cols), i * cols);
    distances.set(g.distances.subarray(i * g.k, i * g.k + cols), i * cols);
  }
  return { n: g.n, k: cols, indices, distances };
}

/** Thresholds tried by `tuneThreshold`: 0.05, 0.10, …, 0.95. */
export const THRESHOLD_GRID: readonly number[] = Array.from({ length: 19 }, (_, i) => Math.round(5 * (i + 1)) / 100);

/**
 * The cosine threshold of a graph baseline with the best BCubed F (every node, −1 as singletons) on a
 * labelled split, as NAAN is trained on one: the fair way to set it on data unlike MS1M's, where the
 * papers' 0.6–0.7 may be far off. Returns the threshold and each one's F.
 */
export function tuneThreshold(method: Exclude<BaselineMethod, 'kmeans'>, knn: KnnGraph, labels: ArrayLike<number>, o: BaselineOptions = {}, grid: readonly number[] = THRESHOLD_GRID): { threshold: number; bcubedF: number; sweep: [number, number][] } {
  if (labels.length !== knn.n) throw new Error(`tuning ${method}: ${labels.length} labels for ${knn.n} kNN rows`);
  const sweep: [number, number][] = grid.map((th) => [th, clusteringMetrics(labels, clusterBaseline(method, knn, undefined, { ...o, threshold: th })).bcubed.fscore]);
  const best = sweep.reduce((a, b) => (b[1] > a[1] ? b : a));
  return { threshold: best[0], bcubedF: best[1], sweep };
}
