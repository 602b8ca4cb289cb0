import type { TrainingSources } from './load-dataset.js';
import { countLabelled } from './samples.js';

/** Warnings go to stderr; the data is legal but the run would not mean what the user expects. */
const warn = (msg: string) => process.stderr.write(`warning: ${msg}\n`);

/**
 * Checks the data of a training run against its options before the first step, so nothing fails (or
 * quietly means nothing) only after training: the test set's width and size for --recall, the number
 * of classes, and a validation split that can pick an epoch.
 */
export function checkTrainingSources(s: TrainingSources, o: { dataset: string; recall: number[]; valFraction: number; testFeatures?: string }): void {
  if (s.unlabelledIgnored > 0) process.stderr.write(`facet: ${s.unlabelledIgnored} unlabelled rows (label −1) ignored in training\n`);
  if (s.numClasses < 2) {
    throw new Error(`--dataset ${o.dataset}: ${s.numClasses} training class${s.numClasses === 1 ? '' : 'es'}${o.valFraction > 0 && s.val ? ' after --val-fraction' : ''}; a classifier head needs at least 2`);
  }
  if (s.train.n === s.numClasses) warn(`--dataset ${o.dataset}: every training row is its own class (${s.numClasses}); the head learns nothing that generalises`);
  if (o.valFraction > 0) {
    if (!s.val) warn(`--val-fraction ${o.valFraction}: leaves no validation class (of ${s.numClasses}); no epoch is selected`);
    else if (new Set(s.val.labels).size === s.val.n) warn(`--val-fraction ${o.valFraction}: every validation class has one sample, so MAP@R is 0 at every epoch and cannot select one`);
  }
  const test = s.test;
  if (!test) return;
  const name = o.testFeatures ? `--test-features ${o.testFeatures}` : `the test split of ${o.dataset}`;
  const [trainShape, testShape] = [s.train.sampleShape, test.sampleShape].map((x) => x.join('×'));
  if (trainShape !== testShape) throw new Error(`${name}: samples are ${testShape}${test.sampleShape.length === 1 ? '-d' : ''}, the training samples ${trainShape}${s.train.sampleShape.length === 1 ? '-d' : ''}`);
  const gallery = s.gallery ? countLabelled(s.gallery.labels) : countLabelled(test.labels) - 1;
  const what = s.gallery ? `${gallery} gallery samples` : `${gallery + 1} labelled test samples (leave-one-out: ${gallery} candidates)`;
  for (const k of o.recall) if (k > gallery) throw new Error(`--recall ${k}: larger than the ${what}`);
}
