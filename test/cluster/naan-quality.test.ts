import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { setupBackend } from '../../src/compute/backend.js';
import { synthFaces } from '../../src/data/synth/synth-faces.js';
import { exactKnn } from '../../src/knn/exact.js';
import { trainNaan } from '../../src/models/naan/train.js';
import { predictNaan } from '../../src/models/naan/predict.js';
import { propagate } from '../../src/cluster/propagation.js';
import { clusterBaseline, DEFAULT_THRESHOLD, tuneThreshold } from '../../src/cluster/baselines.js';
import { clusteringMetrics } from '../../src/eval/clustering.js';

before(async () => { await setupBackend('auto'); });

/** Area under the ROC curve of scores for same-identity (1) vs different-identity (0) edges. */
function auc(scores: ArrayLike<number>, same: boolean[]): number {
  const order = Array.from(same.keys()).sort((a, b) => scores[a] - scores[b]);
  let rankSum = 0, pos = 0;
  order.forEach((i, r) => { if (same[i]) { rankSum += r + 1; pos++; } });
  const neg = same.length - pos;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

// identity-disjoint labelled / unlabelled splits with heterogeneous spreads (cosine alone is ambiguous)
const gen = (seed: number) => synthFaces({ ids: 150, images: 1500, dim: 32, seed, spread: [0.8, 1.6] });
const labelled = gen(1), unlabelled = gen(2);
const knnL = exactKnn(labelled.features, 11), knnU = exactKnn(unlabelled.features, 11);
const bcubed = (labels: Int32Array) => clusteringMetrics(unlabelled.labels, labels).bcubed.fscore;

test('baselines: the threshold chosen on the labelled split beats the MS1M default on synthetic features', () => {
  for (const method of ['threshold', 'cdp', 'chinese-whispers'] as const) {
    const tuned = tuneThreshold(method, knnL, labelled.labels);
    const f = bcubed(clusterBaseline(method, knnU, undefined, { threshold: tuned.threshold }));
    const fDefault = bcubed(clusterBaseline(method, knnU, undefined, { threshold: DEFAULT_THRESHOLD[method] }));
    assert.ok(f >= fDefault - 0.01, `${method}: tuned th ${tuned.threshold} F ${f.toFixed(3)} vs default ${fDefault.toFixed(3)}`);
    assert.ok(f > 0.4, `${method}: F ${f.toFixed(3)}`);
  }
});

/**
 * NAAN trained on the labelled split, scored on the unlabelled one, against the tuned baselines. What
 * is asserted is what holds at this scale: NAAN's link scores separate same- from different-identity
 * edges better than chance. NAAN does NOT beat the cosine baselines here (its pair classifier fits
 * the 150 training identities rather than a transferable comparison: edge AUC ≈ 0.74 against cosine's
 * ≈ 0.85), so the comparison is printed, not asserted; see the issue #7 report.
 */
test('NAAN on unseen identities: link scores above chance; comparison with the tuned baselines printed', () => {
  const model = trainNaan(labelled.features, knnL, labelled.labels, {
    kHops: [10, 5], sampleHops: 10, epochs: 2, batchSize: 128, nheads: 1, lr: 3e-3, lrDecay: 1, weightDecay: 5e-4, clipNorm: 2, seed: 0, maxStepsPerEpoch: 120,
  });
  const s = predictNaan(model.params, model.config, unlabelled.features, knnU, { kHops: [10, 5], edgeHops: 10, batchSize: 256 });
  const same: boolean[] = [], cos: number[] = [];
  const { data, cols } = unlabelled.features;
  for (let e = 0; e < s.scores.length; e++) {
    const a = s.edges[2 * e], b = s.edges[2 * e + 1];
    same.push(unlabelled.labels[a] === unlabelled.labels[b]);
    let d = 0;
    for (let j = 0; j < cols; j++) d += data[a * cols + j] * data[b * cols + j];
    cos.push(d);
  }
  const naanAuc = auc(s.scores, same), cosAuc = auc(cos, same);
  const naanF = bcubed(propagate(unlabelled.features.rows, s.edges, s.scores, { maxSize: 600, step: 0.6, maxIter: 1000, startThreshold: 0.8 }).labels);
  const rows: Record<string, number> = { naan: naanF };
  for (const method of ['threshold', 'cdp', 'chinese-whispers'] as const) {
    rows[method] = bcubed(clusterBaseline(method, knnU, undefined, { threshold: tuneThreshold(method, knnL, labelled.labels).threshold }));
  }
  console.log(JSON.stringify({ bcubedF: rows, edgeAuc: { naan: naanAuc, cosine: cosAuc }, loss: model.history }));
  assert.ok(naanAuc > 0.52, `NAAN edge AUC ${naanAuc}`);
  assert.ok(model.history[1].meanLoss < model.history[0].meanLoss, JSON.stringify(model.history));
});

test('synth-faces nuisance directions: labels and sizes unchanged, rows unit-norm, and without the option the stream is the default one', () => {
  const plain = synthFaces({ ids: 5, images: 40, dim: 8, seed: 4 });
  const noOp = synthFaces({ ids: 5, images: 40, dim: 8, seed: 4, nuisance: undefined });
  const nu = synthFaces({ ids: 5, images: 40, dim: 8, seed: 4, nuisance: { directions: 3, scale: 0.8 } });
  assert.deepEqual(noOp.features.data, plain.features.data);
  assert.deepEqual(nu.labels, plain.labels);
  assert.deepEqual(nu.sizes, plain.sizes);
  assert.notDeepEqual(nu.features.data, plain.features.data);
  for (let i = 0; i < 40; i++) {
    let n = 0;
    for (let j = 0; j < 8; j++) n += nu.features.data[i * 8 + j] ** 2;
    assert.ok(Math.abs(n - 1) < 1e-5);
  }
  assert.throws(() => synthFaces({ ids: 5, images: 40, dim: 8, nuisance: { directions: 0, scale: 1 } }), /nuisance directions must be a positive integer/);
});
