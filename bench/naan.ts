import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kernels, threads } from '../src/compute/index.js';
import { Random } from '../src/data/random.js';
import { synthFaces } from '../src/data/synth/synth-faces.js';
import { exactKnn } from '../src/knn/exact.js';
import type { KnnGraph, Matrix } from '../src/data/files/index.js';
import { initNaan, naanInput, neighbourhoods, project, type NaanConfig, type NaanParams } from '../src/models/naan/model.js';
import { NaanGat } from '../src/models/naan/gat.js';
import { clippedAdamStep, NaanTrainStep } from '../src/models/naan/step.js';
import { knnPairs, pairTargets } from '../src/models/naan/pairs.js';
import { ADAM, trainNaan } from '../src/models/naan/train.js';
import { predictNaan } from '../src/models/naan/predict.js';
import { naanPropagation } from '../src/cluster/propagation.js';
import { clusterBaseline, tuneThreshold } from '../src/cluster/baselines.js';
import { clusteringMetrics } from '../src/eval/clustering-metrics.js';
import { benchDir, peakRssMB, recordResult, runPython, timeIt } from './harness.js';

const D = 256, K1 = 20, K2 = 10;

/** The same GAT in PyTorch: NAAN's gat.py (one head, shared layer for both steps), weights from facet. */
const EMBED_PEER = `
import json, sys, time, numpy as np, torch
base, n, D, k1, k2, B, threads = sys.argv[1], *map(int, sys.argv[2:8])
torch.set_num_threads(threads)
X = torch.from_numpy(np.fromfile(base + '.x', dtype=np.float32).reshape(n, D))
nb1 = torch.from_numpy(np.fromfile(base + '.nb1', dtype=np.int64).reshape(n, k1))
nb2 = torch.from_numpy(np.fromfile(base + '.nb2', dtype=np.int64).reshape(n, k2))
ld = lambda name, shape: torch.from_numpy(np.fromfile(base + '.' + name, dtype=np.float32).reshape(shape))
W, bW, a, ba, bias = ld('w', (D, D)), ld('bw', (D,)), ld('a', (2 * D,)), ld('ba', ()), ld('bias', (D,))
def layer(g):  # g: (G, n, D), row 0 the query  (gat.py GATLayer)
    h = g @ W + bW
    e = torch.nn.functional.leaky_relu(h[:, :1] @ a[:D, None] + h @ a[D:, None] + ba, 0.2)
    att = torch.softmax(e, dim=1)
    return torch.relu((att * h).sum(1) + bias)
def embed(nodes):
    u = nb1[nodes]                                              # (b, k1)
    second = torch.cat([u[..., None], nb2[u]], dim=2)           # (b, k1, k2+1)
    agg = layer(X[second.reshape(-1)].reshape(-1, k2 + 1, D)).reshape(len(nodes), k1, D)
    return layer(torch.cat([X[nodes][:, None], agg], dim=1))
with torch.no_grad():
    embed(torch.arange(min(B, n)))
    t = time.perf_counter()
    Z = torch.cat([embed(torch.arange(s, min(n, s + B))) for s in range(0, n, B)])
    sec = time.perf_counter() - t
np.asarray(Z, dtype=np.float32).tofile(base + '.z')
print(json.dumps({'seconds': sec, 'torch': torch.__version__}))
`;

/** First k neighbours other than the node itself, per row (as facet's neighbourhoods take them). */
function neighbourTable(g: KnnGraph, k: number): BigInt64Array {
  const out = new BigInt64Array(g.n * k);
  for (let i = 0; i < g.n; i++) {
    let m = 0;
    for (let j = 0; j < g.k && m < k; j++) { const u = g.indices[i * g.k + j]; if (u !== i && u >= 0) out[i * k + m++] = BigInt(u); }
  }
  return out;
}

const f32 = (v: Float32Array) => new Uint8Array(v.slice().buffer);

/**
 * GAT node-embedding throughput (NAAN inference step 2: z_v for every node, k_hops [20, 10], D = 256,
 * one head) — facet vs the same model in PyTorch CPU, on the same weights, features and kNN; the
 * embeddings are checked equal (max |Δ|).
 */
export async function benchNaanEmbed(): Promise<void> {
  const n = Number(process.env.FACET_BENCH_ROWS ?? 20_000), B = 512;
  const data = synthFaces({ ids: Math.round(n / 68), images: n, dim: D, seed: 5 });
  const knn = exactKnn(data.features, K1 + 1);
  const config = { dim: D, nheads: 1, alpha: 0.2 };
  const p: NaanParams = initNaan(config, 3);
  const rng = new Random(1);
  for (const k of ['attn_0.w.bias', 'attn_0.bias']) p[k] = Float32Array.from({ length: D }, () => 0.05 * rng.normal());
  const X = data.features.data;
  const Z = new Float32Array(n * D);
  const embedAll = () => {
    const tables = [project(p, config, 0, X)];
    const gat = new NaanGat(p, config);
    for (let s = 0; s < n; s += B) {
      const nodes = Int32Array.from({ length: Math.min(B, n - s) }, (_, i) => s + i);
      Z.set(gat.forward(X, neighbourhoods(knn, nodes, K1, K2), false, tables), s * D);
    }
  };
  const seconds = await timeIt(embedAll, 2);
  const dir = join(benchDir, '../.data/bench');
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `naan-embed-${n}`);
  writeFileSync(`${base}.x`, new Uint8Array(data.features.data.buffer));
  writeFileSync(`${base}.nb1`, new Uint8Array(neighbourTable(knn, K1).buffer));
  writeFileSync(`${base}.nb2`, new Uint8Array(neighbourTable(knn, K2).buffer));
  writeFileSync(`${base}.w`, f32(p['attn_0.w.weight']));
  writeFileSync(`${base}.bw`, f32(p['attn_0.w.bias']));
  writeFileSync(`${base}.a`, f32(p['attn_0.a.weight']));
  writeFileSync(`${base}.ba`, f32(p['attn_0.a.bias']));
  writeFileSync(`${base}.bias`, f32(p['attn_0.bias']));
  const peer = runPython(EMBED_PEER, [base, n, D, K1, K2, B, threads()].map(String));
  const pz = new Float32Array(readFileSync(`${base}.z`).buffer.slice(0));
  let maxDiff = 0;
  for (let i = 0; i < Z.length; i++) maxDiff = Math.max(maxDiff, Math.abs(Z[i] - pz[i]));
  if (!(maxDiff < 1e-3)) throw new Error(`naan-embed: PyTorch's embeddings differ from facet's by ${maxDiff}`);
  recordResult({
    name: 'naan-embed',
    sizes: { nodes: n, dim: D, kHops: `${K1},${K2}`, batch: B, nheads: 1 },
    threads: threads(),
    seconds,
    peakMemoryMB: peakRssMB(),
    peer: { name: `PyTorch ${peer.torch} CPU (NAAN gat.py, same weights)`, seconds: peer.seconds as number },
    extra: { kernels: kernels().name, nodesPerSecond: Math.round(n / seconds), peerNodesPerSecond: Math.round(n / (peer.seconds as number)), maxAbsDiff: maxDiff },
  });
}

/**
 * End to end at part1's shape: FACET_BENCH_ROWS unlabelled nodes (default 584,013), D = 256, ~68 images
 * per identity, in the regime where a learned link scorer has something to learn (synth-faces with 4
 * shared nuisance directions × 0.8, as test/cluster/naan-quality). NAAN is trained on a labelled split
 * of FACET_BENCH_TRAIN_IDS identities (default 400) for 2 × FACET_BENCH_TRAIN_STEPS steps (default 600);
 * then on the unlabelled split: exact kNN, NAAN predict (embed + score every 20-NN edge) and
 * propagation (th 0.8, step 0.6, max 600), timed. The baselines run on the same kNN at the threshold
 * chosen with the unlabelled split's own ground truth: an upper bound of what tuning gives them.
 */
export async function benchNaanEndToEnd(): Promise<void> {
  const n = Number(process.env.FACET_BENCH_ROWS ?? 584_013);
  const trainIds = Number(process.env.FACET_BENCH_TRAIN_IDS ?? 400);
  const steps = Number(process.env.FACET_BENCH_TRAIN_STEPS ?? 600);
  const regime = { dim: D, spread: [1.5, 2.5] as [number, number], nuisance: { directions: 4, scale: 0.8 } };
  const train = synthFaces({ ...regime, ids: trainIds, images: trainIds * 68, seed: 11 });
  const test = synthFaces({ ...regime, ids: Math.round(n / 68), images: n, seed: 12 });
  const t0 = Date.now();
  const knnTrain = exactKnn(train.features, K1 + 1);
  const knnTest = exactKnn(test.features, K1 + 1);
  const knnSeconds = (Date.now() - t0) / 1000;
  const t1 = Date.now();
  const model = await trainNaan(train.features, knnTrain, train.labels, {
    kHops: [K1, K2], sampleHops: K1, epochs: 2, batchSize: 128, nheads: 1, lr: 3e-3, lrDecay: 1, weightDecay: 5e-4, clipNorm: 2, seed: 0, maxStepsPerEpoch: steps,
  });
  const trainSeconds = (Date.now() - t1) / 1000;
  const t2 = Date.now();
  const scored = predictNaan(model.params, model.config, test.features, knnTest, { kHops: [K1, K2], edgeHops: K1, batchSize: 512 });
  const predictSeconds = (Date.now() - t2) / 1000;
  const t3 = Date.now();
  const prop = naanPropagation(n, scored.edges, scored.scores);
  const propagationSeconds = (Date.now() - t3) / 1000;
  const score = (labels: Int32Array) => { const m = clusteringMetrics(test.labels, labels); return { bcubedF: +m.bcubed.fscore.toFixed(4), pairwiseF: +m.pairwise.fscore.toFixed(4) }; };
  const baselines: Record<string, unknown> = {};
  for (const method of ['threshold', 'cdp', 'chinese-whispers'] as const) {
    const oracle = tuneThreshold(method, knnTest, test.labels);
    const tb = Date.now();
    const labels = clusterBaseline(method, knnTest, undefined, { threshold: oracle.threshold });
    baselines[method] = { oracleThreshold: oracle.threshold, seconds: (Date.now() - tb) / 1000, ...score(labels) };
  }
  const seconds = predictSeconds + propagationSeconds;
  recordResult({
    name: 'naan-e2e',
    sizes: { nodes: n, ids: Math.round(n / 68), dim: D, regime: 'spread 1.5–2.5, nuisance 4 × 0.8', kHops: `${K1},${K2}`, edgeHops: K1, trainIds, trainSteps: 2 * steps },
    threads: threads(),
    seconds,
    peakMemoryMB: peakRssMB(),
    extra: {
      kernels: kernels().name, knnSeconds, trainSeconds, predictSeconds, propagationSeconds, edges: scored.scores.length,
      naan: { ...score(prop.labels), clusters: prop.numClusters },
      baselines,
    },
  });
}

/**
 * One NAAN training step in PyTorch as the original writes it (gat.py's GATLayer on gathered
 * (B·k1, k2+1, D) copies, both steps with the shared layer; the classifier Linear(2D, D) → PReLU →
 * Linear(D, 2); CrossEntropyLoss; backward; clip_grad_norm_(2); Adam(lr 2e-3, weight_decay 5e-4)),
 * on facet's weights and batch. As facet, the logits average both pair orders. Prints the loss of
 * every step and the seconds of the steps after the first.
 */
const TRAIN_PEER = `
import json, sys, time, numpy as np, torch
F = torch.nn.functional
base, n, D, k1, k2, B, steps, threads = sys.argv[1], *map(int, sys.argv[2:9])
torch.set_num_threads(threads)
ld = lambda name, shape, dt=np.float32: torch.from_numpy(np.fromfile(base + '.' + name, dtype=dt).reshape(shape))
X = ld('x', (n, D))
nb1, nb2 = ld('nb1', (n, k1), np.int64), ld('nb2', (n, k2), np.int64)
a, b, y = ld('a', (B,), np.int64), ld('b', (B,), np.int64), ld('y', (B,), np.int64)
P = [ld(name, shape).clone().requires_grad_() for name, shape in
     [('w', (D, D)), ('bw', (D,)), ('att', (2 * D,)), ('ba', ()), ('bias', (D,)), ('w1', (2 * D, D)), ('b1', (D,)), ('slope', (D,)), ('w2', (D, 2)), ('b2', (2,))]]
W, bW, att, ba, bias, W1, b1, slope, W2, b2 = P
def layer(g):  # gat.py GATLayer on g: (G, n, D), row 0 the query
    h = g @ W + bW
    e = F.leaky_relu(h[:, :1] @ att[:D, None] + h @ att[D:, None] + ba, 0.2)
    return torch.relu((torch.softmax(e, dim=1) * h).sum(1) + bias)
def embed(nodes):
    u = nb1[nodes]
    second = torch.cat([u[..., None], nb2[u]], dim=2)
    agg = layer(X[second.reshape(-1)].reshape(-1, k2 + 1, D)).reshape(len(nodes), k1, D)
    return layer(torch.cat([X[nodes][:, None], agg], dim=1))
clf = lambda pair: F.prelu(pair @ W1 + b1, slope) @ W2 + b2
opt = torch.optim.Adam(P, lr=2e-3, weight_decay=5e-4)
losses, times = [], []
for s in range(steps):
    t = time.perf_counter()
    opt.zero_grad()
    za, zb = embed(a), embed(b)
    logits = (clf(torch.cat([za, zb], 1)) + clf(torch.cat([zb, za], 1))) / 2
    loss = F.cross_entropy(logits, y)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(P, 2)
    opt.step()
    times.append(time.perf_counter() - t)
    losses.append(loss.item())
print(json.dumps({'losses': losses, 'stepSeconds': times, 'torch': torch.__version__}))
`;

const median = (v: number[]) => [...v].sort((p, q) => p - q)[Math.floor(v.length / 2)];

/**
 * A graph of n nodes whose k − 1 neighbours (after self) are drawn at random, with random features
 * and labels: a batch's 2-hop neighbourhoods then hardly overlap, the worst case for applying W once
 * per distinct node. Only for timing.
 */
function randomGraph(n: number, k: number, seed: number): { features: Matrix; knn: KnnGraph; labels: Int32Array } {
  const rng = new Random(seed);
  const data = Float32Array.from({ length: n * D }, () => rng.normal() / Math.sqrt(D));
  const indices = new Int32Array(n * k);
  for (let i = 0; i < n; i++) {
    indices[i * k] = i;
    for (let j = 1; j < k; j++) { let u = rng.int(n - 1); if (u >= i) u++; indices[i * k + j] = u; }
  }
  return { features: { data, rows: n, cols: D }, knn: { n, k, indices, distances: new Float32Array(0) }, labels: Int32Array.from({ length: n }, () => rng.int(2)) };
}

/**
 * Seconds per NAAN training step (both pair ends embedded, backward, clip, Adam) at D = 256, batch
 * 256 pairs, one head, against the PyTorch step above on the same weights and batch, in the same run
 * (FACET_BENCH_TRAIN_STEPS steps, default 4; the first of each side is not timed). Both repeat one
 * batch, so their losses must agree step by step. Cases: 3,000 synth-faces nodes (exact kNN) at
 * k_hops [20, 10] and NAAN's training [100, 10], and 200,000 nodes of a random graph at [100, 10]
 * (nearly every one of a batch's 563k 2-hop rows a distinct node). `before` is the facet step on
 * commit 72a2b77 (tfjs autodiff over gathered copies), taken on this 2-core machine.
 */
export async function benchNaanTrainStep(): Promise<void> {
  const steps = Number(process.env.FACET_BENCH_TRAIN_STEPS ?? 4), B = 256;
  const synth = synthFaces({ ids: 100, images: 3000, dim: D, seed: 1 });
  const small = { ...synth, knn: exactKnn(synth.features, 101) };
  const cases = [
    { graph: 'synth-faces, exact kNN', data: () => small, kHops: [20, 10], before: 9.7 },
    { graph: 'synth-faces, exact kNN', data: () => small, kHops: [100, 10], before: 47 },
    { graph: 'random', data: () => randomGraph(200_000, 101, 4), kHops: [100, 10] },
  ];
  const dir = join(benchDir, '../.data/bench');
  mkdirSync(dir, { recursive: true });
  for (const c of cases) {
    const { features, knn, labels } = c.data(), n = features.rows, [k1, k2] = c.kHops;
    const pairs = knnPairs(knn, 20, 'first-met'), targets = pairTargets(pairs, labels);
    const pick = new Random(2).shuffle(Int32Array.from({ length: targets.length }, (_, i) => i)).subarray(0, B);
    const a = Int32Array.from(pick, (q) => pairs[2 * q]), b = Int32Array.from(pick, (q) => pairs[2 * q + 1]), y = Int32Array.from(pick, (q) => targets[q]);
    const ends = new Int32Array(2 * B);
    ends.set(a); ends.set(b, B);
    const config: NaanConfig = { dim: D, nheads: 1, alpha: 0.2, inputScale: Math.sqrt(D) };
    const X = naanInput(features, config);
    const p: NaanParams = initNaan(config, 3);
    const base = join(dir, `naan-train-${n}-${k1}`);
    writeFileSync(`${base}.x`, f32(X));
    writeFileSync(`${base}.nb1`, new Uint8Array(neighbourTable(knn, k1).buffer));
    writeFileSync(`${base}.nb2`, new Uint8Array(neighbourTable(knn, k2).buffer));
    for (const [file, ids] of [['a', a], ['b', b], ['y', y]] as const) writeFileSync(`${base}.${file}`, new Uint8Array(BigInt64Array.from(ids, BigInt).buffer));
    const files: [string, string][] = [['w', 'attn_0.w.weight'], ['bw', 'attn_0.w.bias'], ['att', 'attn_0.a.weight'], ['ba', 'attn_0.a.bias'], ['bias', 'attn_0.bias'],
      ['w1', 'classifier.0.weight'], ['b1', 'classifier.0.bias'], ['slope', 'classifier.1.weight'], ['w2', 'classifier.2.weight'], ['b2', 'classifier.2.bias']];
    for (const [file, name] of files) writeFileSync(`${base}.${file}`, f32(p[name]));
    const engine = new NaanTrainStep(p, config);
    const adam = { step: 0, m: {}, v: {} }, opt = { ...ADAM, weightDecay: 5e-4 };
    const losses: number[] = [], times: number[] = [];
    const hood = neighbourhoods(knn, ends, k1, k2);
    const distinct = new Set([...hood.centres, ...hood.secondHop]).size;
    for (let s = 0; s < steps; s++) {
      const t = process.hrtime.bigint();
      losses.push(engine.run(X, neighbourhoods(knn, ends, k1, k2), y));
      clippedAdamStep(p, engine.grads, 2e-3, 2, opt, adam);
      times.push(Number(process.hrtime.bigint() - t) / 1e9);
    }
    const peer = runPython(TRAIN_PEER, [base, n, D, k1, k2, B, steps, threads()].map(String));
    const peerLosses = peer.losses as number[], peerTimes = peer.stepSeconds as number[];
    const lossDiff = Math.max(...losses.map((l, s) => Math.abs(l - peerLosses[s])));
    if (!(lossDiff < 1e-4)) throw new Error(`naan-train-step: PyTorch's losses ${peerLosses} differ from facet's ${losses}`);
    recordResult({
      name: 'naan-train-step',
      sizes: { dim: D, batchPairs: B, kHops: `${k1},${k2}`, nodes: n, graph: c.graph, distinctNodesPerBatch: distinct, nheads: 1 },
      threads: threads(),
      seconds: median(times.slice(1)),
      peakMemoryMB: peakRssMB(),
      peer: { name: `PyTorch ${peer.torch} CPU (gat.py + classifier, CrossEntropy, clip, Adam; same weights and batch)`, seconds: median(peerTimes.slice(1)) },
      extra: { kernels: kernels().name, stepSeconds: times, peerStepSeconds: peerTimes, losses, maxLossDiff: lossDiff, beforeSecondsAt72a2b77: c.before },
    });
  }
}
