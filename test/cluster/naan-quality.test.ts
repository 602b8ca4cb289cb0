import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { synthFaces } from '../../src/data/synth/synth-faces.js';
import { exactKnn } from '../../src/knn/exact.js';
import { trainNaan } from '../../src/models/naan/train.js';
import { predictNaan } from '../../src/models/naan/predict.js';
import { naanPropagation } from '../../src/cluster/propagation.js';
import { clusterBaseline, tuneThreshold } from '../../src/cluster/baselines.js';
import { graphClusterer } from '../../src/cluster/clusterers.js';
import { clusteringMetrics } from '../../src/eval/clustering-metrics.js';
import { edgeAuc as auc } from '../../src/eval/edge-auc.js';


/**
 * Identity-disjoint labelled / unlabelled splits (different identity seeds) shaped like MS1M part0 /
 * part1 at small scale: ~60 images per identity as part1's 68 (so a node's 20 nearest are mostly its
 * own identity, as NAAN's k_hops assume), and shared nuisance directions (pose, lighting) that move
 * images of different identities together. Face features have such identity-free components; cosine
 * cannot ignore them, a link scorer trained on labelled identities can. The labelled split has 400
 * identities: with 100, NAAN's pair classifier fits them (train edge AUC 0.99, unseen 0.96).
 */
const gen = (seed: number, ids: number, images: number) =>
  synthFaces({ ids, images, dim: 32, seed, spread: [0.5, 1], nuisance: { directions: 4, scale: 0.8 } });
const labelled = gen(1, 400, 24000), unlabelled = gen(2, 100, 6500);
// the baselines' thresholds are chosen on a labelled split of the unlabelled one's size: components
// chain more in a larger graph, so a threshold chosen on the 24k-node split is not the one for 6.5k
const tuning = gen(3, 100, 6500);
const knnL = exactKnn(labelled.features, 21), knnU = exactKnn(unlabelled.features, 21), knnT = exactKnn(tuning.features, 21);
const bcubed = (labels: Int32Array) => clusteringMetrics(unlabelled.labels, labels).bcubed.fscore;

test('baselines: the threshold chosen on the labelled split is at least as good as the MS1M default', () => {
  for (const method of ['threshold', 'cdp', 'chinese-whispers'] as const) {
    const tuned = tuneThreshold(method, knnT, tuning.labels);
    const f = bcubed(clusterBaseline(method, knnU, undefined, { threshold: tuned.threshold }));
    const fDefault = bcubed(clusterBaseline(method, knnU, undefined, { threshold: graphClusterer(method).defaultThreshold }));
    assert.ok(f >= fDefault - 0.01, `${method}: tuned th ${tuned.threshold} F ${f.toFixed(3)} vs default ${fDefault.toFixed(3)}`);
  }
});

/**
 * The bar: NAAN trained on the labelled split, with its own propagation settings (th 0.8,
 * step 0.6, max 600), beats every baseline's BCubed F on the unlabelled split by a margin. The graph
 * baselines get their best threshold twice: chosen on a labelled tuning split, and chosen on the
 * unlabelled split's own ground truth (an upper bound no real run has); k-means the true number of
 * identities. Training is NAAN's recipe shortened to 2 × 600 steps at a constant lr (×0.1 per epoch
 * leaves it underfit at this length). Measured: NAAN 0.64–0.68 against the best baseline's
 * 0.45–0.50 over four unlabelled seeds; without the nuisance directions Chinese Whispers on cosine
 * is near perfect (0.98) and NAAN does not beat it (see the README).
 */
test('NAAN beats every baseline on unseen identities (BCubed F margin ≥ 0.1) and ranks edges better than cosine', async () => {
  const model = await trainNaan(labelled.features, knnL, labelled.labels, {
    kHops: [20, 10], sampleHops: 20, epochs: 2, batchSize: 128, nheads: 1, lr: 3e-3, lrDecay: 1, weightDecay: 5e-4, clipNorm: 2, seed: 0, maxStepsPerEpoch: 600,
  });
  const s = predictNaan(model.params, model.config, unlabelled.features, knnU, { kHops: [20, 10], edgeHops: 20, batchSize: 256 });
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
  const naanF = bcubed(naanPropagation(unlabelled.features.rows, s.edges, s.scores).labels);
  const baselines: Record<string, number> = { kmeans: bcubed(clusterBaseline('kmeans', undefined, unlabelled.features, { clusters: 100, seed: 0 })) };
  for (const method of ['threshold', 'cdp', 'chinese-whispers'] as const) {
    baselines[method] = bcubed(clusterBaseline(method, knnU, undefined, { threshold: tuneThreshold(method, knnT, tuning.labels).threshold }));
    baselines[`${method} (oracle threshold)`] = tuneThreshold(method, knnU, unlabelled.labels).bcubedF;
  }
  console.log(JSON.stringify({ bcubedF: { naan: naanF, ...baselines }, edgeAuc: { naan: naanAuc, cosine: cosAuc }, loss: model.history }));
  const best = Math.max(...Object.values(baselines));
  assert.ok(naanF >= best + 0.1, `NAAN BCubed F ${naanF.toFixed(3)} vs best baseline ${best.toFixed(3)} ${JSON.stringify(baselines)}`);
  assert.ok(naanAuc > cosAuc, `edge AUC: NAAN ${naanAuc.toFixed(3)}, cosine ${cosAuc.toFixed(3)}`);
});
