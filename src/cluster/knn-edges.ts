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

/** Connected components over the edges with score ≥ threshold; nodes in no such edge get −1. */
export function thresholdComponents(numNodes: number, e: ScoredEdges, threshold: number): Int32Array {
  const parent = Int32Array.from({ length: numNodes }, (_, i) => i);
  const used = new Uint8Array(numNodes);
  const find = (x: number): number => {
    while (parent[x] !== x) { parent[x] = parent[parent[x]]; x = parent[x]; }
    return x;
  };
  for (let t = 0; t < e.scores.length; t++) {
    if (!(e.scores[t] >= threshold)) continue;
    const a = e.edges[2 * t], b = e.edges[2 * t + 1];
    used[a] = used[b] = 1;
    const ra = find(a), rb = find(b);
    if (ra !== rb) parent[ra] = rb;
  }
  const labels = new Int32Array(numNodes).fill(-1);
  const ids = new Map<number, number>();
  for (let i = 0; i < numNodes; i++) {
    if (!used[i]) continue;
    const r = find(i);
    let l = ids.get(r);
    if (l === undefined) ids.set(r, (l = ids.size));
    labels[i] = l;
  }
  return labels;
}
