import type { KnnGraph } from '../data/files/index.js';

export interface ScoredEdges {
  /** E×2 node ids */
  edges: Int32Array;
  /** E scores */
  scores: Float32Array;
}

/**
 * The undirected edges of a kNN graph scored by cosine similarity (1 − distance), self and −1
 * neighbours left out, each pair once, keeping only similarity ≥ minSimilarity — CDP's "vote"
 * pair selection with a single model.
 */
export function knnEdges(g: KnnGraph, minSimilarity = -Infinity): ScoredEdges {
  const { n, k, indices, distances } = g;
  const kept = (row: number, col: number) => {
    const nb = indices[row * k + col];
    return nb >= 0 && nb !== row && 1 - distances[row * k + col] >= minSimilarity;
  };
  // whether row `row` keeps an edge to `to` in a column before `before` (a pair is taken where first met)
  const keptEarlier = (row: number, to: number, before: number) => {
    for (let c = 0; c < before; c++) if (indices[row * k + c] === to && kept(row, c)) return true;
    return false;
  };
  const edges: number[] = [];
  const scores: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      if (!kept(i, j)) continue;
      const nb = indices[i * k + j];
      // met before: earlier in this row, or in the row of a smaller node (rows are read in order)
      if (keptEarlier(i, nb, j) || (nb < i && keptEarlier(nb, i, k))) continue;
      edges.push(Math.min(i, nb), Math.max(i, nb));
      scores.push(1 - distances[i * k + j]);
    }
  }
  return { edges: Int32Array.from(edges), scores: Float32Array.from(scores) };
}

/** The edges with score ≥ threshold (the same object when all pass). */
export function edgesAtLeast(e: ScoredEdges, threshold: number): ScoredEdges {
  let keep = 0;
  for (let t = 0; t < e.scores.length; t++) if (e.scores[t] >= threshold) keep++;
  if (keep === e.scores.length) return e;
  const edges = new Int32Array(2 * keep), scores = new Float32Array(keep);
  for (let t = 0, j = 0; t < e.scores.length; t++) {
    if (!(e.scores[t] >= threshold)) continue;
    edges[2 * j] = e.edges[2 * t]; edges[2 * j + 1] = e.edges[2 * t + 1]; scores[j++] = e.scores[t];
  }
  return { edges, scores };
}
