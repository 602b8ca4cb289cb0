import { UnionFind } from './union-find.js';
import { uniqueEdges } from './unique-edges.js';
import { firstAppearance } from '../eval/dense-labels.js';

export interface PropagationOptions {
  /** largest accepted cluster (CDP/NAAN max_sz; 600 in both) */
  maxSize: number;
  /** th ← th + (1 − th)·step each round (CDP 0.05–0.6, NAAN 0.6) */
  step: number;
  /** rounds before everything left is merged into one cluster (CDP 100, NAAN 1000) */
  maxIter: number;
  /** first threshold; omitted = the smallest input score, as CDP does (NAAN passes 0.8) */
  startThreshold?: number;
  /** drop the edges below startThreshold before the first pass, whose components are otherwise built from every edge */
  dropBelowStart?: boolean;
}

export interface PropagationTraceEntry {
  /** null for the first pass, which uses every edge whatever its score */
  th: number | null;
  num_input_nodes: number;
  num_finalized_components: number;
  num_finalized_nodes: number;
  num_remain: number;
}

export interface PropagationResult {
  /** per node; renumbered 0,1,… by first appearance in node order; −1 for nodes in no edge */
  labels: Int32Array;
  numClusters: number;
  numValid: number;
  discardRatio: number;
  iterations: number;
  forcedStop: boolean;
  finalThreshold: number | null;
  trace: PropagationTraceEntry[];
}

/**
 * CDP's `graph_propagation` (also NAAN's): a first pass of connected components over all edges
 * accepts every component of at most maxSize nodes; the rest are split again with only the edges of
 * score ≥ th, th rising each round, until nothing remains or maxIter rounds have run — then all
 * remaining nodes become ONE cluster, as in the original. Union–find on typed arrays replaces the
 * Python sets; the partition is the same (the original's BFS either finishes a component of ≤ maxSize
 * nodes or sends all of it to the next round).
 */
export function propagate(numNodes: number, edges: Int32Array, scores: ArrayLike<number>, opts: PropagationOptions): PropagationResult {
  validate(numNodes, edges, scores, opts);
  const u = uniqueEdges(numNodes, edges, scores);
  const inGraph = new Uint8Array(numNodes);
  for (let e = 0; e < edges.length; e++) inGraph[edges[e]] = 1;

  const cluster = new Int32Array(numNodes).fill(-1); // internal cluster id per node
  const clusterOfRoot = new Int32Array(numNodes);
  let nextCluster = 0;
  const trace: PropagationTraceEntry[] = [];
  let remain = new Int32Array(numNodes);
  let numRemain = 0;
  for (let i = 0; i < numNodes; i++) if (inGraph[i] === 1) remain[numRemain++] = i;
  remain = remain.slice(0, numRemain);
  let th: number | null = null;
  let threshold = opts.startThreshold ?? minOf(scores);
  const firstPass = (e: number) => !opts.dropBelowStart || u.score[e] >= threshold;
  let edgeIds = Int32Array.from({ length: u.a.length }, (_, e) => e).filter(firstPass);
  let iterations = 0;
  let forcedStop = false;
  const uf = new UnionFind(numNodes);

  for (;;) {
    // components of the remaining nodes over the edges that pass this round's threshold
    for (const i of remain) { uf.parent[i] = i; uf.size[i] = 1; clusterOfRoot[i] = -1; }
    const kept = new Int32Array(edgeIds.length);
    let numKept = 0;
    for (const e of edgeIds) {
      if (th !== null && !(u.score[e] >= th)) continue;
      kept[numKept++] = e;
      uf.union(u.a[e], u.b[e]);
    }
    const next = new Int32Array(remain.length);
    let numNext = 0, finalizedNodes = 0, finalizedComponents = 0;
    for (const i of remain) {
      const r = uf.find(i);
      if (uf.size[r] > opts.maxSize) { next[numNext++] = i; continue; }
      if (clusterOfRoot[r] < 0) { clusterOfRoot[r] = nextCluster++; finalizedComponents++; }
      cluster[i] = clusterOfRoot[r];
      finalizedNodes++;
    }
    trace.push({ th, num_input_nodes: remain.length, num_finalized_components: finalizedComponents, num_finalized_nodes: finalizedNodes, num_remain: numNext });
    if (th !== null) iterations++;
    if (numNext === 0) break;
    remain = next.slice(0, numNext);
    if (th !== null && iterations >= opts.maxIter) {
      const c = nextCluster++;
      for (const i of remain) cluster[i] = c;
      forcedStop = true;
      break;
    }
    // edges touching finalized nodes, or below this threshold, can never pass a later (higher) one
    let m = 0;
    for (let p = 0; p < numKept; p++) {
      const e = kept[p];
      if (cluster[u.a[e]] === -1) kept[m++] = e;
    }
    edgeIds = kept.slice(0, m);
    threshold = threshold + (1 - threshold) * opts.step;
    th = threshold;
  }
  return { ...relabel(cluster), iterations, forcedStop, finalThreshold: th, trace };
}

function relabel(cluster: Int32Array): { labels: Int32Array; numClusters: number; numValid: number; discardRatio: number } {
  const labels = firstAppearance(cluster);
  let numValid = 0, numClusters = 0;
  for (const l of labels) {
    if (l < 0) continue;
    numValid++;
    if (l >= numClusters) numClusters = l + 1;
  }
  return { labels, numClusters, numValid, discardRatio: 1 - numValid / cluster.length };
}

function minOf(xs: ArrayLike<number>): number {
  let m = Infinity;
  for (let i = 0; i < xs.length; i++) if (xs[i] < m) m = xs[i];
  return m;
}

function validate(numNodes: number, edges: Int32Array, scores: ArrayLike<number>, o: PropagationOptions): void {
  if (!Number.isInteger(numNodes) || numNodes < 0) throw new Error(`propagation: number of nodes must be a non-negative integer, got ${numNodes}`);
  if (edges.length !== 2 * scores.length) throw new Error(`propagation: ${edges.length / 2} edges but ${scores.length} scores`);
  for (let e = 0; e < edges.length; e++) {
    if (edges[e] < 0 || edges[e] >= numNodes) throw new Error(`propagation: edge ${Math.floor(e / 2)} names node ${edges[e]}, outside 0…${numNodes - 1}`);
  }
  for (let e = 0; e < scores.length; e++) {
    if (!Number.isFinite(scores[e])) throw new Error(`propagation: score of edge ${e} is ${scores[e]}`);
  }
  if (!(o.maxSize >= 1)) throw new Error(`propagation: max size must be ≥ 1, got ${o.maxSize}`);
  if (!(o.step > 0 && o.step <= 1)) throw new Error(`propagation: step must be in (0, 1], got ${o.step}`);
  if (o.dropBelowStart && o.startThreshold === undefined) throw new Error('propagation: dropping edges below the start threshold needs a start threshold');
  if (!(o.maxIter >= 1)) throw new Error(`propagation: max iterations must be ≥ 1, got ${o.maxIter}`);
}

/** The partition as lists of node ids, each sorted, lists ordered by their smallest member. */
export function clustersOf(labels: Int32Array): number[][] {
  const lists: number[][] = [];
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (l < 0) continue;
    (lists[l] ??= []).push(i);
  }
  // labels are numbered by first appearance, so lists[l] is already ordered by smallest member
  return lists;
}

/** CDP's configs: start at the smallest score, step 0.05, max_sz 600, max_iter 100. */
export const CDP_PROPAGATION: Readonly<PropagationOptions> = { maxSize: 600, step: 0.05, maxIter: 100 };

/** NAAN's `eval_gat.py`: th 0.8, step 0.6, max_sz 600, max_iter 1000. */
export const NAAN_PROPAGATION: Readonly<PropagationOptions & { startThreshold: number }> = { maxSize: 600, step: 0.6, maxIter: 1000, startThreshold: 0.8 };

/** CDP's call: the CDP preset, any field overridden. */
export function cdpPropagation(numNodes: number, edges: Int32Array, scores: ArrayLike<number>, o: Partial<PropagationOptions> = {}): PropagationResult {
  return propagate(numNodes, edges, scores, { ...CDP_PROPAGATION, ...o });
}

/** NAAN's call: the NAAN preset, any field overridden. */
export function naanPropagation(numNodes: number, edges: Int32Array, scores: ArrayLike<number>, o: Partial<PropagationOptions> = {}): PropagationResult {
  return propagate(numNodes, edges, scores, { ...NAAN_PROPAGATION, ...o });
}
