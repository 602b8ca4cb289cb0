import { readLabels } from '../../../data/files/index.js';
import { trainNaan } from '../../../models/naan/train.js';
import { InterruptedError } from '../../../train/interrupted.js';
import { naanTrainProgress } from '../../../report/progress.js';
import { readSplitGraph, resuming, SemiContext } from './context.js';

/** NAAN's link classifier trained on the graph of the classes the embedder trained on (skipped with the cosine scorer). */
export async function naanStage(c: SemiContext): Promise<void> {
  if (c.o.scorer === 'cosine') return;
  const { f, g } = readSplitGraph(c, 'labelled');
  const labels = readLabels(c.input('embeddings/labelled_labels.txt', 'embed'));
  const n = c.o.naan;
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
