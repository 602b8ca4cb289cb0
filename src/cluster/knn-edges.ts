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
  const seen = new Set<number>();
  const edges: number[] = [];
  const scores: number[] = [];
  for (let i = 0; i < g.n; i++) {
    for (let j = 0; j < g.k; j++) {
      const nb = g.indices[i * g.k + j];
      if (nb < 0 || nb === i) continue;
      const sim = 1 - g.distances[i * g.k + j];
      if (!(sim >= minSimilarity)) continue;
      const a = Math.min(i, nb), b = Math.max(i, nb);
      const key = a * g.n + b;
      if (seen.has(key)) continue;
      seen.add(key);
      edges.push(a, b);
      scores.push(sim);
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
