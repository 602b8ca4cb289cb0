import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { GraphClusterer } from './clusterer.js';
import { edgesAtLeast, type ScoredEdges } from './knn-edges.js';
import { firstAppearance } from '../eval/dense-labels.js';

export interface InfomapOptions {
  /** facet's seed, 0…2³²−2: Infomap's --seed is seed + 1 (Infomap's start at 1); a run is reproducible per seed */
  seed: number;
}

const CHILD = fileURLToPath(new URL('./infomap-process.js', import.meta.url));

/**
 * Two-level Infomap (the official @mapequation/infomap package, WebAssembly) on the undirected
 * graph of the given edges, each weighted by its score, as face-cluster-by-infomap clusters a
 * thresholded kNN graph. Every node gets a cluster: a node in no edge is a singleton. Labels
 * renumbered 0.. by first appearance.
 */
export function infomap(numNodes: number, g: ScoredEdges, o: InfomapOptions): Int32Array {
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed >= 0xffffffff) throw new Error(`infomap: --seed must be an integer in 0…4294967294, got ${o.seed}`);
  for (let e = 0; e < g.scores.length; e++) {
    if (!(g.scores[e] > 0)) throw new Error(`infomap: edge weights must be positive (Infomap's links), got ${g.scores[e]} for ${g.edges[2 * e]}–${g.edges[2 * e + 1]}`);
  }
  const module = new Int32Array(numNodes).fill(-1);
  if (g.scores.length > 0) readClu(runInfomap(linkList(numNodes, g), ['--two-level', '--flow-model', 'undirected', '--seed', String(o.seed + 1), '--silent', '-o', 'clu']), module);
  let next = module.reduce((a, b) => Math.max(a, b), -1) + 1;
  for (let i = 0; i < numNodes; i++) if (module[i] < 0) module[i] = next++;
  return firstAppearance(module);
}

/**
 * "a b weight" per edge, Infomap's link-list file, written as bytes (a string of each line would hold the
 * network several times over in the parent); weights with 6 decimals, 1 as "1".
 */
function linkList(numNodes: number, g: ScoredEdges): Buffer {
  const E = g.scores.length;
  const out = Buffer.allocUnsafe(E * (2 * String(Math.max(numNodes - 1, 0)).length + 11));
  let p = 0;
  const int = (v: number) => {
    const start = p;
    do { out[p++] = 48 + (v % 10); v = Math.floor(v / 10); } while (v > 0);
    out.subarray(start, p).reverse();
  };
  for (let e = 0; e < E; e++) {
    int(g.edges[2 * e]); out[p++] = 32;
    int(g.edges[2 * e + 1]); out[p++] = 32;
    // at least 0.000001: a positive weight must not round to none
    let w = Math.max(1, Math.round(g.scores[e] * 1e6));
    if (w >= 1e6) out[p++] = 49;
    else {
      out[p++] = 48; out[p++] = 46;
      for (let d = 5; d >= 0; d--) { out[p + d] = 48 + (w % 10); w = Math.floor(w / 10); }
      p += 6;
    }
    out[p++] = 10;
  }
  return out.subarray(0, p);
}

/** Infomap's .clu text for the network, from the package run in a child process (see infomap-process.ts). */
function runInfomap(network: Buffer, args: string[]): string {
  const r = spawnSync(process.execPath, [CHILD, ...args], { input: network, encoding: 'utf8', maxBuffer: Infinity });
  if (r.error) throw new Error(`infomap: could not run ${CHILD}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`infomap: ${r.stderr.trim() || `the Infomap process ended with ${r.signal ?? `status ${r.status}`}`}`);
  return r.stdout;
}

/** module[node] = its top module from .clu lines "node module flow" (comments start with #). */
function readClu(clu: string, module: Int32Array): void {
  for (const line of clu.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const [node, m] = line.split(' ', 2).map(Number);
    if (!(Number.isInteger(node) && node >= 0 && node < module.length && Number.isInteger(m))) throw new Error(`infomap: unexpected line in Infomap's output: "${line}"`);
    module[node] = m;
  }
}

export const infomapClusterer: GraphClusterer = {
  name: 'infomap',
  summary: 'two-level Infomap (@mapequation/infomap) on the edges above the threshold, weighted by similarity',
  input: 'graph',
  // face-cluster-by-infomap's min_sim on part1 (k 50)
  defaultThreshold: 0.58,
  run: (numNodes, edges, threshold, o) => {
    if (!(threshold > 0)) throw new Error(`infomap: --threshold must be above 0 (the edge weights are the similarities, and Infomap's must be positive), got ${threshold}`);
    return infomap(numNodes, edgesAtLeast(edges, threshold), { seed: o.seed ?? 0 });
  },
};
