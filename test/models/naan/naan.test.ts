import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { synthFaces } from '../../../src/data/synth/synth-faces.js';
import { exactKnn } from '../../../src/knn/exact.js';
import { embedNodes, initNaan, naanInput, neighbourhoods, pairLogits } from '../../../src/models/naan/model.js';
import { judgedPairs, knnPairs, pairTargets } from '../../../src/models/naan/pairs.js';
import { trainNaan, type NaanTrainOptions } from '../../../src/models/naan/train.js';
import { predictNaan } from '../../../src/models/naan/predict.js';
import { loadCheckpoint, type NaanCheckpoint } from '../../../src/models/naan/checkpoint.js';
import { tempDir } from '../../helpers/temp.js';

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
  const X = Float32Array.of(1, 0, 0, 1, 0.6, 0.8, -1, 0.5);
  const hood = neighbourhoods(knn3, Int32Array.from([0]), 1, 1); // node 0: u = 1, u's group [1, 0]
  const z = embedNodes(p, config, X, hood);
  // reference in plain numbers (W is [in, out], row-major)
  const W = p['attn_0.w.weight'], a = p['attn_0.a.weight'];
  const lin = (x: number[]) => [0, 1].map((o) => x[0] * W[o] + x[1] * W[2 + o]);
  const layer = (group: number[][]) => {
    const h = group.map(lin);
    const e = h.map((hj) => { const s = a[0] * h[0][0] + a[1] * h[0][1] + a[2] * hj[0] + a[3] * hj[1]; return s > 0 ? s : 0.2 * s; });
    const mx = Math.max(...e), w = e.map((v) => Math.exp(v - mx)), sw = w.reduce((s, v) => s + v, 0);
    return [0, 1].map((o) => Math.max(0, h.reduce((s, hj, j) => s + (w[j] / sw) * hj[o], 0)));
  };
  const agg = layer([[0, 1], [1, 0]]);
  const want = layer([[1, 0], agg]);
  z.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-5, `z[${i}] ${v} vs ${want[i]}`));
  const za = Float32Array.of(0.3, 0.1), zb = Float32Array.of(0.9, 0.2);
  const ab = pairLogits(p, config, za, zb), ba = pairLogits(p, config, zb, za);
  assert.equal(ab.length, 2);
  ab.forEach((v, i) => assert.ok(Math.abs(v - ba[i]) < 1e-6));
});

const data = synthFaces({ ids: 8, images: 80, dim: 8, seed: 3, spread: [1, 1.2] });
const knn = exactKnn(data.features, 8);
const opts = (extra: Partial<NaanTrainOptions>): NaanTrainOptions => ({
  kHops: [3, 2], sampleHops: 3, epochs: 2, batchSize: 16, nheads: 2, lr: 2e-3, lrDecay: 0.1, weightDecay: 5e-4,
  clipNorm: 2, seed: 0, maxStepsPerEpoch: 3, ...extra,
});
const flat = (p: Record<string, Float32Array>) => Object.keys(p).sort().flatMap((k) => Array.from(p[k]));

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
  const X = naanInput(data.features, r.config), D = r.config.dim;
  const z = embedNodes(r.params, r.config, X, neighbourhoods(knn, Int32Array.from({ length: 80 }, (_, i) => i), 3, 2));
  const ends = (k: number) => {
    const out = new Float32Array(s.scores.length * D);
    for (let e = 0; e < s.scores.length; e++) out.set(z.subarray(s.edges[2 * e + k] * D, s.edges[2 * e + k] * D + D), e * D);
    return out;
  };
  const logits = pairLogits(r.params, r.config, ends(0), ends(1));
  s.scores.forEach((v, e) => {
    const direct = 1 / (1 + Math.exp(logits[2 * e] - logits[2 * e + 1]));
    assert.ok(Math.abs(direct - v) < 1e-5, `edge ${e}: ${direct} vs ${v}`);
  });
});

test('bad input is refused naming what is wrong', async () => {
  await assert.rejects(() => trainNaan(data.features, knn, data.labels.subarray(1), opts({})), /79 labels for 80 feature rows/);
  assert.throws(() => loadCheckpoint('/nonexistent/naan.json'), /naan.json: checkpoint not found/);
  const r = await trainNaan(data.features, knn, data.labels, opts({ epochs: 1, maxStepsPerEpoch: 1 }));
  const wide = { data: new Float32Array(80 * 4), rows: 80, cols: 4 };
  assert.throws(() => predictNaan(r.params, r.config, wide, knn, { kHops: [3, 2], edgeHops: 4, batchSize: 32 }), /model is for 8-d features, these are 4-d/);
  const ck = join(tempDir('facet-naan-'), 'naan.json');
  await trainNaan(data.features, knn, data.labels, opts({ epochs: 1, maxStepsPerEpoch: 1, checkpoint: ck }));
  const bad = JSON.parse(readFileSync(ck, 'utf8')) as NaanCheckpoint;
  bad.params['attn_1.w.weight'].data.pop();
  writeFileSync(ck, JSON.stringify(bad));
  assert.throws(() => loadCheckpoint(ck), /naan.json: parameter attn_1.w.weight has 63 values, the 8-d model needs \[8, 8\]/);
});

test('training until a held-out score plateaus: stops after `patience` checks without gain, ends on the best check\'s parameters; a resumed run stops alike', async () => {
  // a scripted held-out score: after the 2nd check (0.8), 3 checks without a gain of 0.01; the highest is the 3rd
  const script = [0.6, 0.8, 0.805, 0.79, 0.7, 0.9];
  const run = async (extra: Partial<NaanTrainOptions>) => {
    const seen: number[][] = [];
    const check = { every: 2, patience: 3, minGain: 0.01, score: (p: Record<string, Float32Array>) => { seen.push(flat(p)); return script[seen.length - 1 + (extra.resume ? 2 : 0)]; } };
    return { r: await trainNaan(data.features, knn, data.labels, opts({ epochs: 4, maxStepsPerEpoch: 5, lrDecay: 1, ...extra, check })), seen };
  };
  const { r, seen } = await run({});
  assert.equal(r.plateaued, true);
  assert.deepEqual(r.checks.map((c) => c.step), [2, 4, 6, 8, 10]);
  assert.deepEqual(r.checks.map((c) => c.score), script.slice(0, 5));
  assert.deepEqual(flat(r.params), seen[2], 'the parameters of the best check (step 6)');
  // interrupted after the 2nd check, then resumed: the same checks, the same end
  const dir = tempDir('facet-naan-check-');
  const ck = join(dir, 'naan.json');
  await run({ checkpoint: ck, stopAfterSteps: 5 });
  assert.deepEqual(loadCheckpoint(ck).state.checks!.map((c) => c.step), [2, 4]);
  const resumed = await run({ checkpoint: ck, resume: true });
  assert.deepEqual(resumed.r.checks, r.checks);
  assert.deepEqual(flat(resumed.r.params), flat(r.params));
  assert.equal(loadCheckpoint(ck).state.plateaued, true);
  // without a plateau before the last epoch, training still ends on the best check's parameters
  const rising = { every: 5, patience: 9, minGain: 0, score: (p: Record<string, Float32Array>) => (flat(p)[0] === 0 ? 0 : [0.5, 0.9, 0.7][Math.min(2, calls++)]) };
  let calls = 0;
  const snaps: number[][] = [];
  const end = await trainNaan(data.features, knn, data.labels, opts({ epochs: 3, maxStepsPerEpoch: 5, check: { ...rising, score: (p) => { snaps.push(flat(p)); return rising.score(p); } } }));
  assert.equal(end.plateaued, false);
  assert.deepEqual(flat(end.params), snaps[1]);
});

test('pool nodes (label −1) in NAAN\'s training graph: their pairs with a labelled node are negatives, pairs of two are dropped', async () => {
  const labels = Int32Array.from(data.labels, (y) => (y < 4 ? y : -1));
  const all = knnPairs(knn, 3, 'first-met');
  const kept = judgedPairs(all, labels);
  assert.ok(kept.length > 0 && kept.length < all.length);
  for (let p = 0; p < kept.length; p += 2) assert.ok(labels[kept[p]] >= 0 || labels[kept[p + 1]] >= 0);
  const t = pairTargets(kept, labels);
  for (let p = 0; p < t.length; p++) if (labels[kept[2 * p]] < 0 || labels[kept[2 * p + 1]] < 0) assert.equal(t[p], 0);
  const r = await trainNaan(data.features, knn, labels, opts({ epochs: 1 }));
  assert.equal(r.numPairs, kept.length / 2);
  await assert.rejects(() => trainNaan(data.features, knn, new Int32Array(80).fill(-1), opts({})), /no pair of the kNN graph has a labelled node/);
});

test('prediction of given edges scores them as the whole-graph prediction does', async () => {
  const r = await trainNaan(data.features, knn, data.labels, opts({ epochs: 1, maxStepsPerEpoch: 2 }));
  const o = { kHops: [4, 2] as [number, number], edgeHops: 5, batchSize: 7 };
  const whole = predictNaan(r.params, r.config, data.features, knn, o);
  const pick = [3, 10, 11, 40];
  const edges = Int32Array.from(pick.flatMap((e) => [whole.edges[2 * e], whole.edges[2 * e + 1]]));
  const some = predictNaan(r.params, r.config, data.features, knn, { ...o, edges });
  assert.deepEqual(Array.from(some.edges), Array.from(edges));
  pick.forEach((e, i) => assert.ok(Math.abs(some.scores[i] - whole.scores[e]) < 1e-6, `edge ${e}`));
});
