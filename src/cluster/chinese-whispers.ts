import { Random } from '../data/random.js';
import { edgesAtLeast, type ScoredEdges } from './knn-edges.js';
import type { GraphClusterer } from './clusterer.js';
import { firstAppearance } from '../eval/dense-labels.js';

export interface ChineseWhispersOptions {
  /** rounds over all nodes (learn-to-cluster: 20) */
  iterations: number;
  /** seed of the per-round visiting order */
  seed: number;
}

/**
 * Chinese Whispers (Biemann 2006), as learn-to-cluster's baseline runs it on a thresholded kNN graph:
 * every node starts in its own class; each round visits the nodes in a seeded random order and moves
 * each to the class with the largest summed edge weight among its neighbours (ties: the smaller class
 * id, so a run is reproducible). Nodes without an edge stay singletons. Labels renumbered 0.. by first
 * appearance.
 */
export function chineseWhispers(numNodes: number, g: ScoredEdges, opts: ChineseWhispersOptions): Int32Array {
  const { offsets, targets, weights } = adjacency(numNodes, g);
  const label = new Int32Array(numNodes);
  for (let i = 0; i < numNodes; i++) label[i] = i;
  const order = Int32Array.from({ length: numNodes }, (_, i) => i);
  const sum = new Float64Array(numNodes);
  const rng = new Random(opts.seed);
  for (let it = 0; it < opts.iterations; it++) {
    for (let i = numNodes - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const t = order[i]; order[i] = order[j]; order[j] = t;
    }
    let changed = 0;
    for (const v of order) {
      if (offsets[v] === offsets[v + 1]) continue;
      for (let p = offsets[v]; p < offsets[v + 1]; p++) sum[label[targets[p]]] += weights[p];
      let best = label[v], bestW = -Infinity;
      for (let p = offsets[v]; p < offsets[v + 1]; p++) {
        const l = label[targets[p]], w = sum[l];
        if (w > bestW || (w === bestW && l < best)) { best = l; bestW = w; }
      }
      for (let p = offsets[v]; p < offsets[v + 1]; p++) sum[label[targets[p]]] = 0;
      if (best !== label[v]) { label[v] = best; changed++; }
    }
    if (changed === 0) break;
  }
  return firstAppearance(label);
}

/** Symmetric CSR adjacency of the scored edges (self-loops left out). */
function adjacency(numNodes: number, g: ScoredEdges) {
  const E = g.scores.length;
  const offsets = new Int32Array(numNodes + 1);
  for (let e = 0; e < E; e++) {
    if (g.edges[2 * e] === g.edges[2 * e + 1]) continue;
    offsets[g.edges[2 * e] + 1]++;
    offsets[g.edges[2 * e + 1] + 1]++;
  }
  for (let i = 0; i < numNodes; i++) offsets[i + 1] += offsets[i];
  const fill = offsets.slice(0, numNodes);
  const targets = new Int32Array(offsets[numNodes]);
  const weights = new Float32Array(offsets[numNodes]);
  for (let e = 0; e < E; e++) {
    const a = g.edges[2 * e], b = g.edges[2 * e + 1];
    if (a === b) continue;
    targets[fill[a]] = b; weights[fill[a]++] = g.scores[e];
    targets[fill[b]] = a; weights[fill[b]++] = g.scores[e];
  }
  return { offsets, targets, weights };
}

export const chineseWhispersClusterer: GraphClusterer = {
  name: 'chinese-whispers',
  summary: 'Chinese Whispers on the edges above the threshold',
  input: 'graph',
  defaultThreshold: 0.6,
  run: (numNodes, edges, threshold, o) => chineseWhispers(numNodes, edgesAtLeast(edges, threshold), { iterations: o.iterations ?? 20, seed: o.seed ?? 0 }),
};
