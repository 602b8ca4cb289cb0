import type { KnnGraph } from '../../data/files/index.js';

/**
 * Pairs from every node i and each of its first `hops` neighbours j (self and −1 left out), each
 * undirected pair once. 'first-met' keeps the direction first met (NAAN's training pairs, centre
 * first); 'sorted' writes (min, max) (NAAN's inference edges). A hash set of min·N + max replaces the
 * original's N×N boolean matrix (332 GB at part0 scale, §7.2.4). Returns [a0, b0, a1, b1, …].
 */
export function knnPairs(knn: KnnGraph, hops: number, orient: 'first-met' | 'sorted'): Int32Array {
  if (!Number.isInteger(hops) || hops < 1 || hops >= knn.k) throw new Error(`neighbour hops must be an integer in 1…${knn.k - 1} (the kNN file has ${knn.k} columns, self included), got ${hops}`);
  const seen = new Set<number>();
  const out: number[] = [];
  for (let i = 0; i < knn.n; i++) {
    let taken = 0;
    for (let c = 0; c < knn.k && taken < hops; c++) {
      const j = knn.indices[i * knn.k + c];
      if (j === i || j < 0) continue;
      taken++;
      const lo = Math.min(i, j), hi = Math.max(i, j);
      if (seen.has(lo * knn.n + hi)) continue;
      seen.add(lo * knn.n + hi);
      if (orient === 'sorted') out.push(lo, hi);
      else out.push(i, j);
    }
  }
  return Int32Array.from(out);
}

/** 1 where both ends of a pair share a label (NAAN's target), else 0; −1 never matches (see judgedPairs). */
export function pairTargets(pairs: Int32Array, labels: Int32Array): Int32Array {
  const t = new Int32Array(pairs.length / 2);
  for (let p = 0; p < t.length; p++) t[p] = labels[pairs[2 * p]] >= 0 && labels[pairs[2 * p]] === labels[pairs[2 * p + 1]] ? 1 : 0;
  return t;
}

/**
 * The pairs that labels can judge when some nodes are of no labelled class (−1: a pool node, whose
 * class is unknown but is none of the labelled ones): pairs of two such nodes are dropped, a pair of
 * one with a labelled node is a negative. Training on the pool's own graph this way gives NAAN
 * neighbourhoods shaped like the ones it must score.
 */
export function judgedPairs(pairs: Int32Array, labels: Int32Array): Int32Array {
  const out: number[] = [];
  for (let p = 0; p < pairs.length; p += 2) if (labels[pairs[p]] >= 0 || labels[pairs[p + 1]] >= 0) out.push(pairs[p], pairs[p + 1]);
  return Int32Array.from(out);
}
