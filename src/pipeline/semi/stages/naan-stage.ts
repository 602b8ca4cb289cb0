import { readKnn, readLabels, UNLABELLED, type KnnGraph, type Matrix } from '../../../data/files/index.js';
import { existsSync } from 'node:fs';
import { trainNaan, type NaanTrainOptions } from '../../../models/naan/train.js';
import { predictNaan } from '../../../models/naan/predict.js';
import { knnPairs } from '../../../models/naan/pairs.js';
import { edgeAuc } from '../../../eval/edge-auc.js';
import { InterruptedError } from '../../../train/interrupted.js';
import { naanTrainProgress } from '../../../report/progress.js';
import { readSplitGraph, resuming, selectionFeatures, SemiContext } from './context.js';

/** NAAN's link classifier, trained on the classes the embedder trained on or on held-out classes in the pool's graph (skipped with the cosine scorer). */
export async function naanStage(c: SemiContext): Promise<void> {
  if (c.o.scorer === 'cosine') return;
  const n = c.o.naan;
  const { f, g, labels } = n.trainOn === 'holdout' ? holdoutGraph(c) : { ...readSplitGraph(c, 'labelled'), labels: readLabels(c.input('embeddings/labelled_labels.txt', 'embed')) };
  const bars = naanTrainProgress();
  const r = await trainNaan(f, g, labels, {
    kHops: n.kHops, sampleHops: n.sampleHops, epochs: n.epochs, batchSize: n.batchSize, nheads: 1, lr: n.lr, lrDecay: 0.1,
    weightDecay: 5e-4, clipNorm: 2, seed: c.o.seed, maxStepsPerEpoch: n.maxStepsPerEpoch, checkpoint: c.file('naan.json'), resume: resuming(c, 'naan', 'naan.json'),
    onStep: bars.onStep, check: heldOutCheck(c),
  });
  bars.stop();
  if (r.interrupted) throw new InterruptedError(`stage naan interrupted; its checkpoint is ${c.file('naan.json')}: continue with --resume`);
  c.run.writeJson('naan_train.json', { history: r.history, pairs: r.numPairs, positiveRatio: r.positiveRatio, heldOutAuc: r.checks, plateaued: r.plateaued });
}

/**
 * Where the selection graph exists: every `--naan-check-every` steps, NAAN's edge AUC on the edges of
 * the judging held-out classes (their kNN edges in the pool's graph; a pool end is another class), and
 * training stops once `--naan-patience` checks in a row gain less than 0.002 on the best before.
 */
function heldOutCheck(c: SemiContext): NaanTrainOptions['check'] {
  if (!existsSync(c.file('embeddings/selection_knn.npz'))) return undefined;
  const { f, pool, heldOutLabels, judgedFrom } = selectionFeatures(c);
  const g = readKnn(c.file('embeddings/selection_knn.npz'));
  const p = c.o.predict;
  const all = knnPairs(g, p.edgeHops, 'sorted');
  const label = (i: number) => (i >= judgedFrom ? heldOutLabels[i - pool] : -1);
  const kept: number[] = [], same: number[] = [];
  for (let e = 0; e < all.length; e += 2) {
    const a = all[e], b = all[e + 1];
    if (a < judgedFrom && b < judgedFrom) continue;
    kept.push(a, b);
    same.push(label(a) >= 0 && label(a) === label(b) ? 1 : 0);
  }
  const edges = Int32Array.from(kept);
  return {
    every: c.o.naan.checkEvery, patience: c.o.naan.patience, minGain: 0.002,
    score: (params, config) => edgeAuc(predictNaan(params, config, f, g, { kHops: p.kHops, edgeHops: p.edgeHops, batchSize: 512, edges }).scores, same),
  };
}

/** the pool ∪ held-out graph, labelled on the held-out classes NAAN may learn from (the pool and the judging half: −1) */
function holdoutGraph(c: SemiContext): { f: Matrix; g: KnnGraph; labels: Int32Array } {
  const { f, pool, heldOutLabels, judgedFrom } = selectionFeatures(c);
  const labels = new Int32Array(f.rows).fill(UNLABELLED);
  labels.set(heldOutLabels.subarray(0, judgedFrom - pool), pool);
  return { f, g: readKnn(c.input('embeddings/selection_knn.npz', 'knn')), labels };
}
