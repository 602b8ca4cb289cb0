import { existsSync } from 'node:fs';
import { readLabels, UNLABELLED, type KnnGraph, type Matrix } from '../../../data/files/index.js';
import { trainNaan, type NaanTrainOptions } from '../../../models/naan/train.js';
import { predictNaan } from '../../../models/naan/predict.js';
import { knnPairs } from '../../../models/naan/pairs.js';
import { edgeAuc } from '../../../eval/edge-auc.js';
import { heldOutEdges } from '../../../eval/held-out-scores.js';
import { InterruptedError } from '../../../train/interrupted.js';
import { naanTrainProgress } from '../../../report/progress.js';
import { readSelectionGraph, readSplitGraph, resuming, SemiContext } from './context.js';

/** NAAN's link classifier, trained on the classes the embedder trained on or on held-out classes in the pool's graph (skipped with the cosine scorer). */
export async function naanStage(c: SemiContext): Promise<void> {
  if (c.o.scorer === 'cosine') return;
  const n = c.o.naan;
  const selection = n.trainOn === 'holdout' || existsSync(c.file('embeddings/selection_knn.npz')) ? readSelectionGraph(c) : undefined;
  const { f, g, labels } = n.trainOn === 'holdout' ? holdoutGraph(selection!) : { ...readSplitGraph(c, 'labelled'), labels: readLabels(c.input('embeddings/labelled_labels.txt', 'embed')) };
  const bars = naanTrainProgress();
  const r = await trainNaan(f, g, labels, {
    kHops: n.kHops, sampleHops: n.sampleHops, epochs: n.epochs, batchSize: n.batchSize, nheads: 1, lr: n.lr, lrDecay: 0.1,
    weightDecay: 5e-4, clipNorm: 2, seed: c.o.seed, maxStepsPerEpoch: n.maxStepsPerEpoch, checkpoint: c.file('naan.json'), resume: resuming(c, 'naan', 'naan.json'),
    onStep: bars.onStep, check: selection && heldOutCheck(c, selection),
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
function heldOutCheck(c: SemiContext, s: Selection): NaanTrainOptions['check'] {
  const p = c.o.predict;
  const all = knnPairs(s.g, p.edgeHops, 'sorted');
  const { index, same } = heldOutEdges(all, s.f.rows, s.judging);
  const edges = Int32Array.from(Array.from(index).flatMap((t) => [all[2 * t], all[2 * t + 1]]));
  return {
    every: c.o.naan.checkEvery, patience: c.o.naan.patience, minGain: 0.002,
    score: (params, config) => edgeAuc(predictNaan(params, config, s.f, s.g, { kHops: p.kHops, edgeHops: p.edgeHops, batchSize: 512, edges }).scores, same),
  };
}

/** the pool ∪ held-out graph, labelled on the held-out classes NAAN may learn from (the pool and the judging half: −1) */
function holdoutGraph(s: Selection): { f: Matrix; g: KnnGraph; labels: Int32Array } {
  const labels = new Int32Array(s.f.rows).fill(UNLABELLED);
  labels.set(s.heldOutLabels.subarray(0, s.judgedFrom - s.pool), s.pool);
  return { f: s.f, g: s.g, labels };
}

type Selection = ReturnType<typeof readSelectionGraph>;
