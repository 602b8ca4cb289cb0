import * as tf from '@tensorflow/tfjs-core';
import type { KnnGraph, Matrix } from '../../data/files/index.js';
import { knnPairs } from './pairs.js';
import { classifierHead, embedNodes, naanInput, neighbourhoods, project, type NaanConfig, type NaanParams } from './model.js';

export interface NaanPredictOptions {
  /** [k1, k2] at inference (NAAN eval.sh: [20, 10]) */
  kHops: [number, number];
  /** edges from each node's first edgeHops neighbours (NAAN: 20) */
  edgeHops: number;
  batchSize: number;
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
  const n = features.rows, D = config.dim;
  const Z = new Float32Array(n * D);
  const X = naanInput(features, config);
  // W x of every node, once (not once per neighbourhood it appears in)
  const tables = Array.from({ length: config.nheads }, (_, h) => tf.tidy(() => project(params, h, X)));
  for (let s = 0; s < n; s += o.batchSize) {
    const nodes = Int32Array.from({ length: Math.min(o.batchSize, n - s) }, (_, i) => s + i);
    const z = tf.tidy(() => embedNodes(params, config, X, neighbourhoods(knn, nodes, o.kHops[0], o.kHops[1]), tables));
    Z.set(z.dataSync(), s * D);
    z.dispose();
    o.onProgress?.('embed', s + nodes.length, n);
  }
  X.dispose();
  for (const t of tables) t.dispose();
  const edges = knnPairs(knn, o.edgeHops, 'sorted');
  const E = edges.length / 2;
  const scores = new Float32Array(E);
  // [z_a; z_b]·W₁ = z_a·W₁[:D] + z_b·W₁[D:]: both halves projected once per node (N·D² work), so an
  // edge costs two row gathers and adds per order instead of a 2D×D product per order
  const Zt = tf.tensor2d(Z, [n, D]);
  const w1 = params['classifier.0.weight'];
  const [top, bottom] = tf.tidy(() => [tf.matMul(Zt, tf.slice(w1, [0, 0], [D, D])), tf.matMul(Zt, tf.slice(w1, [D, 0], [D, D]))]);
  const batch = o.batchSize * 16;
  for (let s = 0; s < E; s += batch) {
    const m = Math.min(batch, E - s);
    const a = tf.tensor1d(Int32Array.from({ length: m }, (_, i) => edges[2 * (s + i)]), 'int32');
    const b = tf.tensor1d(Int32Array.from({ length: m }, (_, i) => edges[2 * (s + i) + 1]), 'int32');
    const p = tf.tidy(() => {
      const order = (first: tf.Tensor1D, second: tf.Tensor1D) => classifierHead(params, tf.add(tf.gather(top, first), tf.gather(bottom, second)) as tf.Tensor2D);
      const logits = tf.div(tf.add(order(a, b), order(b, a)), 2);
      return tf.reshape(tf.slice(tf.softmax(logits, 1), [0, 1], [m, 1]), [m]);
    });
    scores.set(p.dataSync() as Float32Array, s);
    tf.dispose([p, a, b]);
    o.onProgress?.('score', s + m, E);
  }
  tf.dispose([top, bottom]);
  Zt.dispose();
  return { edges, scores };
}
