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

/** 1 where both ends of a pair share a label (NAAN's target), else 0. */
export function pairTargets(pairs: Int32Array, labels: Int32Array): Int32Array {
  const t = new Int32Array(pairs.length / 2);
  for (let p = 0; p < t.length; p++) t[p] = labels[pairs[2 * p]] === labels[pairs[2 * p + 1]] ? 1 : 0;
  return t;
}
