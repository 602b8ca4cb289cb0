import type { KnnGraph, Matrix } from '../data/files/index.js';
import { knnEdges } from './knn-edges.js';
import { THRESHOLD_GRID } from './threshold.js';
import { clusterer, graphClusterer } from './clusterers.js';
import type { ClusterOptions } from './clusterer.js';
import { clusteringMetrics } from '../eval/clustering-metrics.js';

/**
 * Runs a registered clusterer, the path `facet cluster baseline` takes. Graph methods read cosine
 * similarities from the kNN file (1 − distance) and give −1 to nodes left without an edge (CDP's
 * "discarded"); feature methods (k-means) need the features. Returns one label per node.
 */
export function clusterBaseline(method: string, knn: KnnGraph | undefined, features: Matrix | undefined, o: ClusterOptions = {}): Int32Array {
  const c = clusterer(method);
  if (c.input === 'features') {
    if (!features) throw new Error(`baseline ${method}: --features is required`);
    return c.run(features, o);
  }
  if (!knn) throw new Error(`baseline ${method}: --knn is required`);
  if (knn.n > 0 && Number.isNaN(knn.distances[0])) throw new Error(`baseline ${method}: the kNN file holds no distances (a NAAN index-only .npy); use a learn-to-cluster faiss_k_*.npz`);
  const g = o.k === undefined ? knn : firstNeighbours(knn, o.k);
  const th = o.threshold ?? c.defaultThreshold;
  return c.run(g.n, knnEdges(g, th), th, o);
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

/**
 * The cosine threshold of a graph method with the best BCubed F (every node, −1 as singletons) on a
 * labelled split, as NAAN is trained on one: the fair way to set it on data unlike MS1M's, where the
 * papers' 0.6–0.7 may be far off. Returns the threshold and each one's F.
 */
export function tuneThreshold(method: string, knn: KnnGraph, labels: ArrayLike<number>, o: ClusterOptions = {}, grid: readonly number[] = THRESHOLD_GRID): { threshold: number; bcubedF: number; sweep: [number, number][] } {
  graphClusterer(method);
  if (labels.length !== knn.n) throw new Error(`tuning ${method}: ${labels.length} labels for ${knn.n} kNN rows`);
  const sweep: [number, number][] = grid.map((th) => [th, clusteringMetrics(labels, clusterBaseline(method, knn, undefined, { ...o, threshold: th })).bcubed.fscore]);
  const best = sweep.reduce((a, b) => (b[1] > a[1] ? b : a));
  return { threshold: best[0], bcubedF: best[1], sweep };
}
