import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '../src/compute/backend.js';
import { threads } from '../src/compute/index.js';
import { synthFaces } from '../src/data/synth/synth-faces.js';
import { exactKnn } from '../src/knn/exact.js';
import type { KnnGraph } from '../src/data/files/index.js';
import { embedNodes, initNaan, neighbourhoods, project, type NaanParams } from '../src/models/naan/model.js';
import { trainNaan } from '../src/models/naan/train.js';
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

const f32 = (t: tf.Tensor) => new Uint8Array((t.dataSync() as Float32Array).slice().buffer);

/**
 * GAT node-embedding throughput (NAAN inference step 2: z_v for every node, k_hops [20, 10], D = 256,
 * one head) — facet vs the same model in PyTorch CPU, on the same weights, features and kNN; the
 * embeddings are checked equal (max |Δ|).
 */
export async function benchNaanEmbed(): Promise<void> {
  const backend = await setupBackend('auto');
  const n = Number(process.env.FACET_BENCH_ROWS ?? 20_000), B = 512;
  const data = synthFaces({ ids: Math.round(n / 68), images: n, dim: D, seed: 5 });
  const knn = exactKnn(data.features, K1 + 1);
  const config = { dim: D, nheads: 1, alpha: 0.2 };
  const p: NaanParams = initNaan(config, 3);
  p['attn_0.w.bias'].assign(tf.randomNormal([D], 0, 0.05, 'float32', 1));
  p['attn_0.bias'].assign(tf.randomNormal([D], 0, 0.05, 'float32', 2));
  const X = tf.tensor2d(data.features.data, [n, D]);
  const Z = new Float32Array(n * D);
  const embedAll = () => {
    const tables = [tf.tidy(() => project(p, 0, X))];
    for (let s = 0; s < n; s += B) {
      const nodes = Int32Array.from({ length: Math.min(B, n - s) }, (_, i) => s + i);
      const z = tf.tidy(() => embedNodes(p, config, X, neighbourhoods(knn, nodes, K1, K2), tables));
      Z.set(z.dataSync(), s * D);
      z.dispose();
    }
    tables[0].dispose();
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
    extra: { backend, nodesPerSecond: Math.round(n / seconds), peerNodesPerSecond: Math.round(n / (peer.seconds as number)), maxAbsDiff: maxDiff },
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
  const backend = await setupBackend('auto');
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
      backend, knnSeconds, trainSeconds, predictSeconds, propagationSeconds, edges: scored.scores.length,
      naan: { ...score(prop.labels), clusters: prop.numClusters },
      baselines,
    },
  });
}

/**
 * Seconds per NAAN training step (both pair ends embedded, backward, Adam) at D = 256, batch 256
 * pairs, for k_hops [20, 10] and NAAN's training [100, 10]. `before` is the same measurement on
 * commit 72a2b77 (tfjs autodiff over gathered B·k1·(k2+1)·D copies), taken on this 2-core machine.
 */
export async function benchNaanTrainStep(): Promise<void> {
  const backend = await setupBackend('auto');
  const data = synthFaces({ ids: 100, images: 3000, dim: D, seed: 1 });
  const knn = exactKnn(data.features, 101);
  const before: Record<string, number> = { '20,10': 9.7, '100,10': 47 };
  for (const kHops of [[20, 10], [100, 10]] as [number, number][]) {
    const times: number[] = [];
    let t = process.hrtime.bigint();
    trainNaan(data.features, knn, data.labels, {
      kHops, sampleHops: 20, epochs: 1, batchSize: 256, nheads: 1, lr: 2e-3, lrDecay: 1, weightDecay: 5e-4, clipNorm: 2, seed: 0, maxStepsPerEpoch: 6,
      onStep: () => { const now = process.hrtime.bigint(); times.push(Number(now - t) / 1e9); t = now; },
    });
    const steady = times.slice(1).sort((a, b) => a - b);
    recordResult({
      name: 'naan-train-step',
      sizes: { dim: D, batchPairs: 256, kHops: kHops.join(','), nodes: 3000 },
      threads: threads(),
      seconds: steady[Math.floor(steady.length / 2)],
      peakMemoryMB: peakRssMB(),
      extra: { backend, stepSeconds: times, beforeSecondsAt72a2b77: before[kHops.join(',')] },
    });
  }
}
