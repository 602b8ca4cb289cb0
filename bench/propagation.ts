import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Random } from '../src/data/random.js';
import { propagate, type PropagationResult } from '../src/cluster/propagation.js';
import { benchDir, peakRssMB, recordResult, runPython, timeIt } from './harness.js';

const n = Number(process.env.FACET_BENCH_ROWS ?? 584_013);
const k = 20;

/**
 * A kNN-like scored graph: ~68 nodes per identity, each node with k directed neighbours, 85% inside
 * its identity (scores 0.85–1) and 15% anywhere (scores 0.3–0.9). The random links join everything
 * into one giant first-pass component, so the threshold rounds do real work.
 */
function syntheticGraph(): { edges: Int32Array; scores: Float32Array } {
  const rng = new Random(0);
  const ids = Math.round(n / 68);
  const idOf = (i: number) => Math.floor((i * ids) / n);
  const firstOf = (c: number) => Math.ceil((c * n) / ids);
  const edges = new Int32Array(2 * n * k);
  const scores = new Float32Array(n * k);
  for (let i = 0, e = 0; i < n; i++) {
    const c = idOf(i), lo = firstOf(c), size = firstOf(c + 1) - lo;
    for (let j = 0; j < k; j++, e++) {
      const same = rng.next() < 0.85;
      edges[2 * e] = i;
      edges[2 * e + 1] = same ? lo + rng.int(size) : rng.int(n);
      scores[e] = same ? 0.85 + 0.15 * rng.next() : 0.3 + 0.6 * rng.next();
    }
  }
  return { edges, scores };
}

/**
 * NAAN's propagation call (th 0.8, step 0.6, max_sz 600, max_iter 1000) on part1 scale
 * (584,013 × 20 edges): facet's union–find vs CDP's `graph_propagation` in Python (Data objects,
 * sets, score_dict — the reference algorithm, ported line for line with NAAN's start threshold).
 * The peer's labels are checked equal to facet's.
 */
export async function benchPropagation(): Promise<void> {
  const { edges, scores } = syntheticGraph();
  const dir = join(benchDir, '../.data/bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `propagation-${n}x${k}`);
  writeFileSync(`${file}.edges`, new Uint8Array(edges.buffer));
  writeFileSync(`${file}.scores`, new Uint8Array(scores.buffer));
  let r!: PropagationResult;
  const seconds = await timeIt(() => { r = propagate(n, edges, scores, { maxSize: 600, step: 0.6, maxIter: 1000, startThreshold: 0.8 }); });
  const peer = runPython(PEER, [file, String(n)]);
  const peerLabels = new Int32Array(readFileSync(`${file}.peer-labels`).buffer.slice(0));
  const same = peerLabels.length === n && peerLabels.every((l, i) => l === r.labels[i]);
  if (!same) throw new Error('propagation bench: the Python reference gives a different partition');
  recordResult({
    name: 'propagation',
    sizes: { nodes: n, edgesPerNode: k, maxSize: 600, startTh: 0.8, step: 0.6 },
    threads: 1,
    seconds,
    peakMemoryMB: peakRssMB(),
    peer: { name: `CDP graph_propagation in Python ${peer.python} (sets, NAAN th 0.8)`, seconds: peer.seconds as number, peakMemoryMB: peer.peakMB as number },
    extra: { clusters: r.numClusters, iterations: r.iterations, partitionsEqual: same },
  });
}

/** CDP source/graph.py (d999264) with NAAN's `th` argument; np.int → int as numpy ≥ 1.24 needs. */
const PEER = `
import numpy as np, sys, time, json, resource, platform
class Data(object):
    def __init__(self, name):
        self.__name = name
        self.__links = set()
    @property
    def name(self):
        return self.__name
    @property
    def links(self):
        return set(self.__links)
    def add_link(self, other, score):
        self.__links.add(other)
        other.__links.add(self)

def connected_components_constraint(nodes, max_sz, score_dict=None, th=None):
    result = []
    remain = set()
    nodes = set(nodes)
    while nodes:
        n = nodes.pop()
        group = {n}
        queue = [n]
        valid = True
        while queue:
            n = queue.pop(0)
            if th is not None:
                neighbors = {l for l in n.links if score_dict[tuple(sorted([n.name, l.name]))] >= th}
            else:
                neighbors = n.links
            neighbors.difference_update(group)
            nodes.difference_update(neighbors)
            group.update(neighbors)
            queue.extend(neighbors)
            if len(group) > max_sz or len(remain.intersection(neighbors)) > 0:
                valid = False
                remain.update(group)
                break
        if valid:
            result.append(group)
    return result, remain

def graph_propagation(edges, score, max_sz, th, step=0.1, max_iter=100):
    edges = np.sort(edges, axis=1)
    score_dict = {}
    for i, e in enumerate(edges):
        score_dict[e[0], e[1]] = score[i]
    nodes = np.sort(np.unique(edges.flatten()))
    mapping = -1 * np.ones((nodes.max() + 1), dtype=int)
    mapping[nodes] = np.arange(nodes.shape[0])
    link_idx = mapping[edges]
    vertex = [Data(n) for n in nodes]
    for l, s in zip(link_idx, score):
        vertex[l[0]].add_link(vertex[l[1]], s)
    comps, remain = connected_components_constraint(vertex, max_sz)
    components = comps[:]
    Iter = 0
    while remain:
        th = th + (1 - th) * step
        comps, remain = connected_components_constraint(remain, max_sz, score_dict, th)
        components.extend(comps)
        Iter += 1
        if Iter >= max_iter:
            components.append(remain)
            remain = {}
    return components

prefix, n = sys.argv[1], int(sys.argv[2])
edges = np.fromfile(prefix + '.edges', dtype=np.int32).reshape(-1, 2)
scores = np.fromfile(prefix + '.scores', dtype=np.float32)
t = time.perf_counter()
comps = graph_propagation(edges, scores, 600, 0.8, 0.6, 1000)
pred = -np.ones(n, dtype=np.int64)
for i, c in enumerate(comps):
    for v in c:
        pred[v.name] = i
seconds = time.perf_counter() - t
# renumber by first appearance in node order (cdp.py / eval_gat.py)
out = -np.ones(n, dtype=np.int32); seen = {}
for i, l in enumerate(pred):
    if l >= 0:
        out[i] = seen.setdefault(l, len(seen))
out.tofile(prefix + '.peer-labels')
print(json.dumps({'seconds': seconds, 'peakMB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 'python': platform.python_version()}))
`;
