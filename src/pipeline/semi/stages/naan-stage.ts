import { readKnn, readLabels, UNLABELLED, type KnnGraph, type Matrix } from '../../../data/files/index.js';
import { trainNaan } from '../../../models/naan/train.js';
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
    onStep: bars.onStep,
  });
  bars.stop();
  if (r.interrupted) throw new InterruptedError(`stage naan interrupted; its checkpoint is ${c.file('naan.json')}: continue with --resume`);
  c.run.writeJson('naan_train.json', { history: r.history, pairs: r.numPairs, positiveRatio: r.positiveRatio });
}

/** the pool ∪ held-out graph, labelled on the held-out classes NAAN may learn from (the pool and the judging half: −1) */
function holdoutGraph(c: SemiContext): { f: Matrix; g: KnnGraph; labels: Int32Array } {
  const { f, pool, heldOutLabels, judgedFrom } = selectionFeatures(c);
  const labels = new Int32Array(f.rows).fill(UNLABELLED);
  labels.set(heldOutLabels.subarray(0, judgedFrom - pool), pool);
  return { f, g: readKnn(c.input('embeddings/selection_knn.npz', 'knn')), labels };
}
