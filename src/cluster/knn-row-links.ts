import type { KnnGraph } from '../data/files/index.js';
import type { ScoredEdges } from './knn-edges.js';

/**
 * Each kNN row's own links, directed: row i → each neighbour j with cosine similarity (1 − distance)
 * ≥ minSimilarity, weighted by it, self and −1 neighbours left out — the network face-cluster-by-infomap
 * gives Infomap with --directed (a pair both rows list is two links, one each way; a pair one row lists
 * is one). edges[2t] is the row, edges[2t + 1] the neighbour, in row order. A neighbour a row lists
 * twice is one link with the similarity of its last column (the reference's dict of links keeps the
 * last). A neighbour below minSimilarity is skipped; the reference stops its row there instead, which is
 * the same on learn-to-cluster's rows, sorted by distance.
 */
export function knnRowLinks(g: KnnGraph, minSimilarity: number): ScoredEdges {
  const { n, k, indices, distances } = g;
  const kept = (row: number, col: number) => {
    const nb = indices[row * k + col];
    return nb >= 0 && nb !== row && 1 - distances[row * k + col] >= minSimilarity;
  };
  // the link of (row, col) unless a later column of the row keeps the same neighbour
  const isLast = (row: number, col: number) => {
    for (let c = col + 1; c < k; c++) if (indices[row * k + c] === indices[row * k + col] && kept(row, c)) return false;
    return true;
  };
  const link = new Uint8Array(n * k);
  let E = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) if (kept(i, j) && isLast(i, j)) { link[i * k + j] = 1; E++; }
  const edges = new Int32Array(2 * E), scores = new Float32Array(E);
  for (let p = 0, t = 0; p < n * k; p++) {
    if (!link[p]) continue;
    edges[2 * t] = Math.floor(p / k); edges[2 * t + 1] = indices[p];
    scores[t++] = 1 - distances[p];
  }
  return { edges, scores };
}
