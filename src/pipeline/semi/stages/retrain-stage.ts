import { readLabels } from '../../../data/files/index.js';
import { denseLabels } from '../../../eval/dense-labels.js';
import { train } from '../../../train/trainer.js';
import { loadCheckpoint } from '../../../train/checkpoint.js';
import { gatherRows, type Samples } from '../../../train/samples.js';
import { autoValEvery } from '../../../train/val-schedule.js';
import { trainingProgress } from '../../../report/progress.js';
import { resuming, SemiContext, stopIfInterrupted } from './context.js';

/** Rows of the unlabelled pool that kept a pseudo-label (singletons and −1 dropped), as a second head's data. */
export async function pseudoSamples(c: SemiContext): Promise<{ samples: Samples; numClasses: number }> {
  const { unlabelled } = await c.samples();
  const clean = readLabels(c.input('pseudo/labels_clean.txt', 'pseudo-labels'));
  if (clean.length !== unlabelled.n) throw new Error(`${c.file('pseudo/labels_clean.txt')}: ${clean.length} labels for ${unlabelled.n} unlabelled rows`);
  const rows = [...clean.keys()].filter((i) => clean[i] >= 0);
  const { ids: labels, count } = denseLabels(Int32Array.from(rows, (r) => clean[r]));
  return { samples: { x: gatherRows(unlabelled, rows).x, n: rows.length, sampleShape: unlabelled.sampleShape, labels }, numClasses: count };
}

/** Trains again from the seeded init on labelled + pseudo-labelled rows, two heads over one backbone. */
export async function retrainStage(c: SemiContext): Promise<void> {
  const { train: tr, val, numClasses } = await c.labelledTrainVal();
  const extraHead = await pseudoSamples(c);
  if (extraHead.numClasses < 2) {
    const hint = c.o.scorer === 'naan'
      ? `NAAN's scores stayed below the propagation threshold --th ${c.o.predict.th}: train NAAN longer (--naan-epochs, --naan-max-steps), lower --th, or use --scorer cosine`
      : 'lower --max-size or check the embeddings';
    throw new Error(`pseudo-labels: ${extraHead.numClasses} cluster(s) of 2 or more images, nothing to retrain on (${c.file('pseudo/report.json')}); ${hint}`);
  }
  const epochs = c.o.retrainEpochs ?? sameStepsEpochs(c, tr.n, extraHead.samples.n);
  // a few epochs validated only at their ends would leave the report's curve one or two points
  const valEvery = c.o.train.valEvery ?? autoValEvery(epochs);
  const r = await train({ runDir: c.file('retrain'), config: { ...c.o.train, epochs, valEvery }, train: tr, val, numClasses, extraHead, resume: resuming(c, 'retrain'), onProgress: trainingProgress() });
  stopIfInterrupted(c, 'retrain', r.interrupted);
}

/**
 * Epochs that give the retraining as many steps as the supervised model took, so that before and
 * after compare at the same compute and any gain comes from the pseudo-labelled data, not more steps.
 */
function sameStepsEpochs(c: SemiContext, labelledRows: number, pseudoRows: number): number {
  c.input('supervised/checkpoint.json', 'supervised');
  const supervisedSteps = loadCheckpoint(c.file('supervised')).globalStep;
  const B = c.o.train.batchSize;
  const perEpoch = Math.max(Math.ceil(labelledRows / (B - Math.floor(B / 2))), Math.ceil(pseudoRows / Math.floor(B / 2)));
  return Math.max(1, Math.round(supervisedSteps / perEpoch));
}
