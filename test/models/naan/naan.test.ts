import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '../../../src/compute/backend.js';
import { synthFaces } from '../../../src/data/synth/synth-faces.js';
import { exactKnn } from '../../../src/knn/exact.js';
import { embedNodes, initNaan, naanInput, neighbourhoods, pairLogits } from '../../../src/models/naan/model.js';
import { knnPairs, pairTargets } from '../../../src/models/naan/pairs.js';
import { trainNaan, type NaanTrainOptions } from '../../../src/models/naan/train.js';
import { predictNaan } from '../../../src/models/naan/predict.js';
import { loadCheckpoint } from '../../../src/models/naan/checkpoint.js';
import { tempDir } from '../../helpers/temp.js';

before(async () => { await setupBackend('auto'); });

const knn3 = { n: 4, k: 3, indices: Int32Array.from([0, 1, 2, 1, 0, 3, 2, 1, 0, 3, 3, 1]), distances: new Float32Array(12) };

test('pairs: each undirected pair once, self skipped; first-met keeps the centre first, sorted puts min first', () => {
  // row 3 lists itself twice (duplicate images): self is skipped wherever it appears
  assert.deepEqual(Array.from(knnPairs(knn3, 2, 'first-met')), [0, 1, 0, 2, 1, 3, 2, 1]);
  assert.deepEqual(Array.from(knnPairs(knn3, 2, 'sorted')), [0, 1, 0, 2, 1, 3, 1, 2]);
  assert.deepEqual(Array.from(pairTargets(Int32Array.from([0, 1, 0, 2]), Int32Array.from([5, 5, 6, 6]))), [1, 0]);
  assert.throws(() => knnPairs(knn3, 3, 'sorted'), /hops must be an integer in 1…2/);
});

test('GAT layer matches a hand computation, and the pair score is symmetric', () => {
  const config = { dim: 2, nheads: 1, alpha: 0.2 };
  const p = initNaan(config, 1);
  const X = tf.tensor2d([[1, 0], [0, 1], [0.6, 0.8], [-1, 0.5]]);
  const hood = neighbourhoods(knn3, Int32Array.from([0]), 1, 1); // node 0: u = 1, u's group [1, 0]
  const z = embedNodes(p, config, X, hood).arraySync()[0];
  // reference in plain numbers
  const W = p['attn_0.w.weight'].arraySync() as number[][];
  const a = (p['attn_0.a.weight'].arraySync() as number[][]).map((r) => r[0]);
  const lin = (x: number[]) => [0, 1].map((o) => x[0] * W[0][o] + x[1] * W[1][o]);
  const layer = (group: number[][]) => {
    const h = group.map(lin);
    const e = h.map((hj) => { const s = a[0] * h[0][0] + a[1] * h[0][1] + a[2] * hj[0] + a[3] * hj[1]; return s > 0 ? s : 0.2 * s; });
    const mx = Math.max(...e), w = e.map((v) => Math.exp(v - mx)), sw = w.reduce((s, v) => s + v, 0);
    return [0, 1].map((o) => Math.max(0, h.reduce((s, hj, j) => s + (w[j] / sw) * hj[o], 0)));
  };
  const agg = layer([[0, 1], [1, 0]]);
  const want = layer([[1, 0], agg]);
  z.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-5, `z[${i}] ${v} vs ${want[i]}`));
  const za = tf.tensor2d([[0.3, 0.1]]), zb = tf.tensor2d([[0.9, 0.2]]);
  const ab = pairLogits(p, za, zb).arraySync()[0], ba = pairLogits(p, zb, za).arraySync()[0];
  ab.forEach((v, i) => assert.ok(Math.abs(v - ba[i]) < 1e-6));
});

const data = synthFaces({ ids: 8, images: 80, dim: 8, seed: 3, spread: [1, 1.2] });
const knn = exactKnn(data.features, 8);
const opts = (extra: Partial<NaanTrainOptions>): NaanTrainOptions => ({
  kHops: [3, 2], sampleHops: 3, epochs: 2, batchSize: 16, nheads: 2, lr: 2e-3, lrDecay: 0.1, weightDecay: 5e-4,
  clipNorm: 2, seed: 0, maxStepsPerEpoch: 3, ...extra,
});
const flat = (p: Record<string, tf.Variable>) => Object.keys(p).sort().flatMap((k) => Array.from(p[k].dataSync()));

test('training lowers the loss; resuming from the epoch-1 checkpoint gives the uninterrupted run exactly', async () => {
  const dir = tempDir('facet-naan-');
  // full batch (all 158 pairs per step), constant lr: the loss must fall
  const full = await trainNaan(data.features, knn, data.labels, opts({ epochs: 15, batchSize: 512, lr: 1e-2, lrDecay: 1, nheads: 1 }));
  assert.ok(full.history[14].meanLoss < full.history[0].meanLoss - 0.02, JSON.stringify(full.history));
  const whole = await trainNaan(data.features, knn, data.labels, opts({}));
  const ck = join(dir, 'naan.json');
  await trainNaan(data.features, knn, data.labels, opts({ epochs: 1, checkpoint: ck }));
  assert.equal(loadCheckpoint(ck).state.epoch, 1);
  const resumed = await trainNaan(data.features, knn, data.labels, opts({ checkpoint: ck, resume: true }));
  assert.deepEqual(flat(resumed.params), flat(whole.params));
});

test('prediction scores every unique top-k edge with a probability', async () => {
  const r = await trainNaan(data.features, knn, data.labels, opts({ epochs: 1, maxStepsPerEpoch: 1 }));
  const s = predictNaan(r.params, r.config, data.features, knn, { kHops: [3, 2], edgeHops: 4, batchSize: 32 });
  assert.equal(s.edges.length, 2 * s.scores.length);
  assert.deepEqual(s.edges, knnPairs(knn, 4, 'sorted'));
  assert.ok(s.scores.every((v) => v >= 0 && v <= 1));
  // the per-node projections give what the classifier gives on the pair's embeddings
  const X = naanInput(data.features, r.config);
  const z = embedNodes(r.params, r.config, X, neighbourhoods(knn, Int32Array.from({ length: 80 }, (_, i) => i), 3, 2));
  const ends = (k: number) => tf.tensor1d(Int32Array.from({ length: s.scores.length }, (_, e) => s.edges[2 * e + k]), 'int32');
  const direct = tf.softmax(pairLogits(r.params, tf.gather(z, ends(0)), tf.gather(z, ends(1))), 1).arraySync().map((row) => row[1]);
  direct.forEach((v, e) => assert.ok(Math.abs(v - s.scores[e]) < 1e-5, `edge ${e}: ${v} vs ${s.scores[e]}`));
});

test('bad input is refused naming what is wrong', async () => {
  await assert.rejects(() => trainNaan(data.features, knn, data.labels.subarray(1), opts({})), /79 labels for 80 feature rows/);
  assert.throws(() => loadCheckpoint('/nonexistent/naan.json'), /naan.json: checkpoint not found/);
  const r = await trainNaan(data.features, knn, data.labels, opts({ epochs: 1, maxStepsPerEpoch: 1 }));
  const wide = { data: new Float32Array(80 * 4), rows: 80, cols: 4 };
  assert.throws(() => predictNaan(r.params, r.config, wide, knn, { kHops: [3, 2], edgeHops: 4, batchSize: 32 }), /model is for 8-d features, these are 4-d/);
});

/** NAAN's GAT with plain tfjs ops on gathered copies (gat.py as written): the reference for the fused op. */
function referenceEmbed(p: Record<string, tf.Variable>, nheads: number, X: tf.Tensor2D, centres: Int32Array, second: Int32Array, k1: number, k2: number): tf.Tensor2D {
  const D = X.shape[1], B = centres.length;
  const layer = (h: number, g: tf.Tensor3D) => {
    const [G, n] = g.shape;
    const hid = tf.add(tf.matMul(tf.reshape(g, [G * n, D]), p[`attn_${h}.w.weight`]), p[`attn_${h}.w.bias`]);
    const h3 = tf.reshape(hid, [G, n, D]);
    const a = p[`attn_${h}.a.weight`];
    const q = tf.matMul(tf.reshape(tf.slice(h3, [0, 0, 0], [G, 1, D]), [G, D]), tf.slice(a, [0, 0], [D, 1]));
    const e = tf.leakyRelu(tf.add(tf.add(tf.reshape(tf.matMul(hid, tf.slice(a, [D, 0], [D, 1])), [G, n]), q), p[`attn_${h}.a.bias`]), 0.2);
    const att = tf.softmax(e, 1);
    return tf.relu(tf.add(tf.reshape(tf.matMul(tf.reshape(att, [G, 1, n]), h3), [G, D]), p[`attn_${h}.bias`]));
  };
  const heads = (g: tf.Tensor3D) => tf.div(tf.addN(Array.from({ length: nheads }, (_, h) => layer(h, g))), nheads);
  const agg = tf.reshape(heads(tf.reshape(tf.gather(X, tf.tensor1d(second, 'int32')), [B * k1, k2 + 1, D]) as tf.Tensor3D), [B, k1, D]);
  return heads(tf.concat([tf.reshape(tf.gather(X, tf.tensor1d(centres, 'int32')), [B, 1, D]), agg], 1) as tf.Tensor3D) as tf.Tensor2D;
}

test('fused GAT attention: values and every gradient equal plain tfjs autodiff on gathered copies', () => {
  const config = { dim: 6, nheads: 2, alpha: 0.2 };
  const small = synthFaces({ ids: 5, images: 60, dim: 6, seed: 3 });
  const g = exactKnn(small.features, 6);
  const p = initNaan(config, 1);
  for (const k of Object.keys(p)) if (k.includes('bias')) p[k].assign(tf.randomNormal(p[k].shape, 0, 0.3, 'float32', 7));
  const X = tf.tensor2d(small.features.data, [60, 6]);
  const hood = neighbourhoods(g, Int32Array.from([0, 5, 17, 33, 59, 5]), 3, 2);
  const w = tf.randomNormal([6, 6], 0, 1, 'float32', 3);
  const vars = Object.keys(p).filter((k) => k.startsWith('attn_'));
  const loss = (z: tf.Tensor2D) => tf.sum(tf.mul(z, w)) as tf.Scalar;
  const fused = tf.variableGrads(() => loss(embedNodes(p, config, X, hood)), vars.map((k) => p[k]));
  const ref = tf.variableGrads(() => loss(referenceEmbed(p, 2, X, hood.centres, hood.secondHop, 3, 2)), vars.map((k) => p[k]));
  assert.ok(Math.abs(fused.value.dataSync()[0] - ref.value.dataSync()[0]) < 1e-4);
  for (const k of vars) {
    const a = fused.grads[p[k].name].dataSync(), b = ref.grads[p[k].name].dataSync();
    a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-4 * (1 + Math.abs(b[i])), `${k}[${i}]: ${v} vs ${b[i]}`));
  }
});
