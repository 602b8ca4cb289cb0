import type { GraphClusterer } from './clusterer.js';
import type { ScoredEdges } from './knn-edges.js';
import { UnionFind } from './union-find.js';
import { firstAppearance } from '../eval/dense-labels.js';

/** Connected components over the edges with score ≥ threshold; nodes in no such edge get −1. Labels 0.. by first appearance. */
export function thresholdComponents(numNodes: number, e: ScoredEdges, threshold: number): Int32Array {
  const uf = new UnionFind(numNodes);
  const used = new Uint8Array(numNodes);
  for (let t = 0; t < e.scores.length; t++) {
    if (!(e.scores[t] >= threshold)) continue;
    const a = e.edges[2 * t], b = e.edges[2 * t + 1];
    used[a] = used[b] = 1;
    uf.union(a, b);
  }
  const roots = new Int32Array(numNodes);
  for (let i = 0; i < numNodes; i++) roots[i] = used[i] ? uf.find(i) : -1;
  return firstAppearance(roots);
}

/** Thresholds a sweep tries (tuning a graph method, the loop's score-threshold analysis): 0.05, 0.10, …, 0.95. */
export const THRESHOLD_GRID: readonly number[] = Array.from({ length: 19 }, (_, i) => Math.round(5 * (i + 1)) / 100);

export const thresholdClusterer: GraphClusterer = {
  name: 'threshold',
  summary: 'connected components of the edges above the threshold',
  input: 'graph',
  defaultThreshold: 0.7,
  run: (numNodes, edges, threshold) => thresholdComponents(numNodes, edges, threshold),
};
