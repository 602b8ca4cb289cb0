import { kernels, type Kernels } from '../../compute/index.js';
import type { KnnGraph, Matrix } from '../../data/files/index.js';
import { knnPairs } from './pairs.js';
import { naanInput, neighbourhoods, project, type NaanConfig, type NaanParams } from './model.js';
import { NaanGat } from './gat.js';
import { PairClassifier } from './classifier.js';

export interface NaanPredictOptions {
  /** [k1, k2] at inference (NAAN eval.sh: [20, 10]) */
  kHops: [number, number];
  /** edges from each node's first edgeHops neighbours (NAAN: 20) */
  edgeHops: number;
  batchSize: number;
  /** score these pairs (E×2) instead of the kNN's first edgeHops edges; only their ends are embedded */
  edges?: Int32Array;
  onProgress?: (stage: 'embed' | 'score', done: number, total: number) => void;
}

export interface ScoredPairs {
  /** E×2, smaller id first */
  edges: Int32Array;
  /** p(same identity) per edge */
  scores: Float32Array;
}

/**
 * NAAN inference (`eval_gat.py`): embed every node over its 2-hop neighbourhood, enumerate the unique
 * undirected edges of the first edgeHops neighbours, score each with softmax(classifier)[1]. No
 * score filter: every edge goes to propagation, as in the original.
 */
export function predictNaan(params: NaanParams, config: NaanConfig, features: Matrix, knn: KnnGraph, o: NaanPredictOptions): ScoredPairs {
  if (knn.n !== features.rows) throw new Error(`kNN has ${knn.n} rows but the features ${features.rows}`);
  if (config.dim !== features.cols) throw new Error(`model is for ${config.dim}-d features, these are ${features.cols}-d`);
  const n = features.rows, D = config.dim, k = kernels();
  const edges = o.edges ?? knnPairs(knn, o.edgeHops, 'sorted');
  const Z = embedNodes(params, config, features, knn, o.edges ? [...new Set(edges)].sort((a, b) => a - b) : undefined, o, k);
  const E = edges.length / 2;
  const scores = new Float32Array(E);
  // [z_a; z_b]·W₁ = z_a·W₁[:D] + z_b·W₁[D:]: both halves projected once per node (N·D² work), so an
  // edge costs two row sums per order instead of a 2D×D product per order
  const w1 = params['classifier.0.weight'];
  const top = new Float32Array(n * D), bottom = new Float32Array(n * D);
  k.sgemm(false, false, n, D, D, 1, Z, w1.subarray(0, D * D), 0, top);
  k.sgemm(false, false, n, D, D, 1, Z, w1.subarray(D * D), 0, bottom);
  const classifier = new PairClassifier(params, D, k);
  const batch = o.batchSize * 16;
  const pre = new Float32Array(2 * batch * D);
  for (let s = 0; s < E; s += batch) {
    const m = Math.min(batch, E - s);
    // rows 0…m−1 order (a, b), rows m…2m−1 order (b, a), as PairClassifier.head takes them
    for (let i = 0; i < m; i++) {
      const a = edges[2 * (s + i)] * D, b = edges[2 * (s + i) + 1] * D, ab = i * D, ba = (m + i) * D;
      for (let d = 0; d < D; d++) { pre[ab + d] = top[a + d] + bottom[b + d]; pre[ba + d] = top[b + d] + bottom[a + d]; }
    }
    const logits = classifier.head(pre.subarray(0, 2 * m * D), m);
    // softmax(logits)[1]
    for (let i = 0; i < m; i++) scores[s + i] = 1 / (1 + Math.exp(logits[2 * i] - logits[2 * i + 1]));
    o.onProgress?.('score', s + m, E);
  }
  return { edges, scores };
}

/** z [N, D] of the nodes listed (default every node; other rows stay 0); the scaled features and the per-head tables are dropped on return. */
function embedNodes(params: NaanParams, config: NaanConfig, features: Matrix, knn: KnnGraph, which: number[] | undefined, o: NaanPredictOptions, k: Kernels): Float32Array {
  const n = features.rows, D = config.dim;
  const list = which ?? Array.from({ length: n }, (_, i) => i);
  const Z = new Float32Array(n * D);
  const X = naanInput(features, config);
  // W x of every node, once (not once per neighbourhood it appears in)
  const tables = Array.from({ length: config.nheads }, (_, h) => project(params, config, h, X, k));
  const gat = new NaanGat(params, config, k);
  for (let s = 0; s < list.length; s += o.batchSize) {
    const nodes = Int32Array.from(list.slice(s, s + o.batchSize));
    const z = gat.forward(X, neighbourhoods(knn, nodes, o.kHops[0], o.kHops[1]), false, tables);
    nodes.forEach((node, i) => Z.set(z.subarray(i * D, (i + 1) * D), node * D));
    o.onProgress?.('embed', s + nodes.length, list.length);
  }
  return Z;
}
