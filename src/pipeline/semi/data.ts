import { UNLABELLED } from '../../data/files/index.js';
import { Random } from '../../data/random.js';
import { denseLabels } from '../../eval/dense-labels.js';
import { loadTrainingData } from '../../train/load-dataset.js';
import { countLabelled, gatherRows, type Samples } from '../../train/samples.js';
import type { SemiOptions } from './options.js';

/** Which rows play which part: indices into the dataset's training split (labelled, unlabelled) and test split. */
export interface SemiSplit {
  labelledRows: number[];
  unlabelledRows: number[];
  testRows: number[];
  /** the test rows index the dataset's test split, or (no test split) its training split */
  testFrom: 'test' | 'train';
  labelledClasses: number;
  unlabelledClasses: number;
  testClasses: number;
  /** rows labelled −1 (unlabelled, no class) in the training and test splits: in no part of the loop */
  unlabelledIgnored: number;
}

export interface SemiData {
  /** labelled rows, labels renumbered 0 … L − 1 */
  labelled: Samples;
  /** unlabelled rows; their labels are the hidden truth, used only to judge pseudo-labels */
  unlabelled: Samples;
  test: Samples;
}

/**
 * Chooses, with the seed, which training classes are labelled (the rest form the unlabelled pool)
 * and which classes are held out for evaluation: the dataset's test split, or a share of its
 * classes when it has none. Splits are by class, so evaluation is on classes never trained on.
 */
export function makeSplit(o: SemiOptions, data: SourceData): SemiSplit {
  const rng = new Random(o.seed);
  // −1 is no class: its rows are in no part (rowsOf below only takes rows of chosen classes)
  const classesOf = (labels: Int32Array) => Int32Array.from([...new Set(labels)].filter((c) => c !== UNLABELLED));
  let poolClasses = rng.shuffle(classesOf(data.train.labels));
  let testClasses: Int32Array;
  const testFrom = data.test ? 'test' : 'train';
  if (data.test) {
    testClasses = rng.shuffle(classesOf(data.test.labels));
  } else {
    const nTest = Math.round(poolClasses.length * o.testFraction);
    if (nTest < 2) throw new Error(`--test-fraction ${o.testFraction}: ${poolClasses.length} classes leave fewer than 2 for evaluation`);
    testClasses = poolClasses.slice(0, nTest);
    poolClasses = poolClasses.slice(nTest);
  }
  if (o.maxClasses !== undefined) poolClasses = poolClasses.slice(0, o.maxClasses);
  if (o.maxTestClasses !== undefined) testClasses = testClasses.slice(0, o.maxTestClasses);
  const nLabelled = Math.round(poolClasses.length * o.labelledFraction);
  if (nLabelled < 2 || nLabelled >= poolClasses.length) {
    throw new Error(`--labelled-fraction ${o.labelledFraction}: ${poolClasses.length} training classes give ${nLabelled} labelled; need at least 2 labelled and 1 unlabelled`);
  }
  const labelledSet = new Set(poolClasses.slice(0, nLabelled));
  const unlabelledSet = new Set(poolClasses.slice(nLabelled));
  const testSet = new Set(testClasses);
  const rowsOf = (labels: Int32Array, keep: Set<number>) => [...labels.keys()].filter((i) => keep.has(labels[i]));
  const labelledRows = rowsOf(data.train.labels, labelledSet);
  const unlabelledRows = rowsOf(data.train.labels, unlabelledSet);
  // every graph of the loop (labelled and unlabelled kNN) needs more rows than columns
  for (const [part, rows] of [['labelled', labelledRows.length], ['unlabelled', unlabelledRows.length]] as const) {
    if (o.knnK >= rows) throw new Error(`--knn-k ${o.knnK}: must be smaller than the ${rows} ${part} training rows (each node's neighbours include itself)`);
  }
  const minus1 = (labels: Int32Array) => labels.length - countLabelled(labels);
  return {
    labelledRows, unlabelledRows,
    testRows: rowsOf(testFrom === 'test' ? data.test!.labels : data.train.labels, testSet),
    testFrom, labelledClasses: labelledSet.size, unlabelledClasses: unlabelledSet.size, testClasses: testSet.size,
    unlabelledIgnored: minus1(data.train.labels) + (data.test ? minus1(data.test.labels) : 0),
  };
}

/** The dataset's training and (when it has one) test samples, as `loadTrainingData` reads them. */
export type SourceData = Awaited<ReturnType<typeof loadTrainingData>>;

/** The samples of each part of a split. */
export function splitData(data: SourceData, split: SemiSplit): SemiData {
  const pick = (s: Samples, rows: number[]): Samples => ({ ...gatherRows(s, rows), n: rows.length, sampleShape: s.sampleShape });
  const labelled = pick(data.train, split.labelledRows);
  labelled.labels = denseLabels(labelled.labels).ids;
  return {
    labelled,
    unlabelled: pick(data.train, split.unlabelledRows),
    test: pick(split.testFrom === 'test' ? data.test! : data.train, split.testRows),
  };
}
