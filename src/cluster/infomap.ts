import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { GraphClusterer } from './clusterer.js';
import { edgesAtLeast, type ScoredEdges } from './knn-edges.js';
import { firstAppearance } from '../eval/dense-labels.js';
import type { RelayMessage } from './infomap-relay.js';
import { infomapStatus } from './infomap-status.js';

export interface InfomapOptions {
  /** facet's seed, 0…2³²−2: Infomap's --seed is seed + 1 (Infomap's start at 1); a run is reproducible per seed */
  seed: number;
  /** the edges are directed links (a→b), as Infomap's --directed reads them; default: undirected pairs */
  directed?: boolean;
  /** progress: what Infomap is doing now, called when it changes and every quarter second */
  onStatus?: (text: string) => void;
}

const CHILD = fileURLToPath(new URL('./infomap-process.js', import.meta.url));
const RELAY = fileURLToPath(new URL('./infomap-relay.js', import.meta.url));
const RELAY_START_MS = 60_000;

/**
 * Two-level Infomap (the official @mapequation/infomap package, WebAssembly) on the undirected
 * graph of the given edges (or, `directed`, the directed network of them as links: Infomap's
 * --directed, face-cluster-by-infomap's choice), each weighted by its score. Every node gets a
 * cluster: a node in no edge is a singleton. Labels renumbered 0.. by first appearance.
 */
export function infomap(numNodes: number, g: ScoredEdges, o: InfomapOptions): Int32Array {
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed >= 0xffffffff) throw new Error(`infomap: --seed must be an integer in 0…4294967294, got ${o.seed}`);
  for (let e = 0; e < g.scores.length; e++) {
    if (!(g.scores[e] > 0)) throw new Error(`infomap: edge weights must be positive (Infomap's links), got ${g.scores[e]} for ${g.edges[2 * e]}–${g.edges[2 * e + 1]}`);
  }
  const module = new Int32Array(numNodes).fill(-1);
  if (g.scores.length > 0) {
    const args = ['--two-level', '--flow-model', o.directed ? 'directed' : 'undirected', '--seed', String(o.seed + 1), '--verbose', '-o', 'clu'];
    readClu(runInfomap(linkList(numNodes, g), args, o.onStatus && statusReporter(numNodes, g.scores.length, o.directed ?? false, o.onStatus)), module);
  }
  let next = module.reduce((a, b) => Math.max(a, b), -1) + 1;
  for (let i = 0; i < numNodes; i++) if (module[i] < 0) module[i] = next++;
  return firstAppearance(module);
}

/**
 * "a b weight" per edge, Infomap's link-list file, written as bytes (a string of each line would hold the
 * network several times over in the parent); weights with 6 decimals, 1 as "1".
 */
function linkList(numNodes: number, g: ScoredEdges): Uint8Array {
  const E = g.scores.length;
  // its own ArrayBuffer (never a slice of Node's Buffer pool): it is handed over to the relay thread
  const out = new Uint8Array(E * (2 * String(Math.max(numNodes - 1, 0)).length + 11));
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

/**
 * Infomap's .clu text for the network, from the package run in a child process (infomap-process.ts) that a
 * worker thread (infomap-relay.ts) runs; this thread sleeps on the worker's message count meanwhile and
 * hands each line Infomap prints to `onLine`, and calls `onLine()` every quarter second (a clock for progress).
 */
function runInfomap(network: Uint8Array, args: string[], onLine?: (line?: string) => void): string {
  const signal = new SharedArrayBuffer(4);
  const count = new Int32Array(signal);
  const { port1, port2 } = new MessageChannel();
  const buffer = network.buffer as ArrayBuffer;
  const worker = new Worker(RELAY, { workerData: { child: CHILD, args, network: buffer, length: network.byteLength, port: port2, signal }, transferList: [port2, buffer] });
  // reported by the error thrown below, not again as an unhandled event once this thread is free
  worker.on('error', () => {});
  const t0 = Date.now();
  try {
    for (let seen = 0; ;) {
      Atomics.wait(count, 0, seen, 250);
      seen = Atomics.load(count, 0);
      // a worker that fails to load says so only in an event this thread never sees
      if (seen === 0 && Date.now() - t0 > RELAY_START_MS) throw new Error(`infomap: the thread that runs Infomap (${RELAY}) did not start within ${RELAY_START_MS / 1000} s`);
      for (let m = receiveMessageOnPort(port1); m; m = receiveMessageOnPort(port1)) {
        const r = m.message as RelayMessage;
        if ('line' in r) { onLine?.(r.line); continue; }
        if ('error' in r) throw new Error(`infomap: could not run ${CHILD}: ${r.error}`);
        if (r.status !== 0) throw new Error(`infomap: ${r.stderr.trim() || `the Infomap process ended with ${r.signal ?? `status ${r.status}`}`}`);
        return r.clu;
      }
      onLine?.();
    }
  } finally {
    port1.close();
    void worker.terminate();
  }
}

/** onLine for runInfomap: Infomap's lines read into a status text ("100000 nodes, 1337844 links: trial 1/1, …"), passed on with every tick. */
function statusReporter(numNodes: number, numLinks: number, directed: boolean, onStatus: (text: string) => void): (line?: string) => void {
  const network = `${numNodes} nodes, ${numLinks} ${directed ? 'directed links' : 'links'}`;
  let text = 'reading the network';
  const read = infomapStatus();
  return (line) => {
    if (line !== undefined) text = read(line) ?? text;
    onStatus(`${network}: ${text}`);
  };
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
  summary: 'two-level Infomap (@mapequation/infomap) on the edges above the threshold, weighted by similarity (--directed: each kNN row\'s links)',
  input: 'graph',
  // face-cluster-by-infomap's min_sim on part1 (k 50)
  defaultThreshold: 0.58,
  run: (numNodes, edges, threshold, o) => {
    if (!(threshold > 0)) throw new Error(`infomap: --threshold must be above 0 (the edge weights are the similarities, and Infomap's must be positive), got ${threshold}`);
    return infomap(numNodes, edgesAtLeast(edges, threshold), { seed: o.seed ?? 0, directed: o.directed, onStatus: o.onStatus });
  },
};
