import { contingency } from './contingency.js';
import { bcubedScores, nmiScores, pairwiseScores, type PrecisionRecall } from './partition-scores.js';
import { minus1AsSingletons, removeSingletons, UNASSIGNED } from './unassigned.js';
import { checkLabels, checkSameLength } from './validate.js';

/** The metrics of one (gt, pred) pair, every label an ordinary cluster. */
export interface ClusterScores {
  pairwise: PrecisionRecall;
  bcubed: PrecisionRecall;
  /** NMI, arithmetic average of the entropies (sklearn ≥ 0.22 default, as learn-to-cluster reports). */
  nmi: number;
  /** NMI, geometric average (sklearn < 0.22 default). */
  nmiGeometric: number;
  numPredClusters: number;
  numGtClasses: number;
  /** predicted clusters with exactly one item. */
  numSingletons: number;
  numItems: number;
}

/** Pairwise, BCubed and NMI on plain labels, in time linear in the number of items. */
export function scoreClustering(gt: ArrayLike<number>, pred: ArrayLike<number>): ClusterScores {
  checkSameLength('gt', gt, 'pred', pred);
  checkLabels('gt', gt);
  checkLabels('pred', pred);
  const c = contingency(gt, pred);
  const nmi = nmiScores(c);
  let numSingletons = 0;
  for (const b of c.clusterSizes) if (b === 1) numSingletons++;
  return {
    pairwise: pairwiseScores(c),
    bcubed: bcubedScores(c),
    nmi: nmi.arithmetic,
    nmiGeometric: nmi.geometric,
    numPredClusters: c.clusterSizes.length,
    numGtClasses: c.classSizes.length,
    numSingletons,
    numItems: c.n,
  };
}

export type ClusteringProtocol = 'minus1-as-singletons' | 'singletons-removed';

export interface ClusteringMetrics extends ClusterScores {
  protocol: ClusteringProtocol;
  /** one sentence saying how −1 labels and singletons were counted. */
  note: string;
  /** items given (numItems counts the evaluated ones). */
  numInputItems: number;
  /** items with the raw label −1. */
  numUnassigned: number;
  /** 1 − evaluated/input: 0 unless singletons were removed. */
  discardRatio: number;
  /** singleton clusters of the prediction before any removal (each −1 item counting as one). */
  numSingletonsBeforeRemoval: number;
}

export interface ClusteringOptions {
  /** NAAN protocol: drop −1 items and clusters of size 1, report metrics on the rest and the discard ratio. */
  removeSingletons?: boolean;
}

const NOTES: Record<ClusteringProtocol, string> = {
  'minus1-as-singletons':
    'every item evaluated; each -1 label counts as its own cluster (learn-to-cluster write_meta), singletons kept',
  'singletons-removed':
    'NAAN protocol: -1 items and predicted clusters of size 1 removed; metrics on the remaining items',
};

const EMPTY_PR: PrecisionRecall = { precision: NaN, recall: NaN, fscore: NaN };

/**
 * Clustering metrics of a prediction against ground truth, with −1 handled as the reference tools
 * do: by default learn-to-cluster's reading (each −1 its own cluster; never one big "−1 cluster",
 * which lowers BCubed precision wrongly), or with `removeSingletons` NAAN's. When the removal leaves
 * nothing, the scores are NaN and numItems is 0.
 */
export function clusteringMetrics(
  gt: ArrayLike<number>,
  pred: ArrayLike<number>,
  options: ClusteringOptions = {},
): ClusteringMetrics {
  checkSameLength('gt', gt, 'pred', pred);
  checkLabels('gt', gt);
  checkLabels('pred', pred);
  const evaluated = minus1AsSingletons(pred);
  let numUnassigned = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === UNASSIGNED) numUnassigned++;
  const all = scoreClustering(gt, evaluated);
  const common = { numInputItems: pred.length, numUnassigned, numSingletonsBeforeRemoval: all.numSingletons };
  if (!options.removeSingletons) {
    const protocol = 'minus1-as-singletons';
    return { protocol, note: NOTES[protocol], ...common, discardRatio: 0, ...all };
  }
  const protocol = 'singletons-removed';
  const removal = removeSingletons(pred);
  const kept = removal.keptIndices;
  const scores: ClusterScores = kept.length === 0
    ? {
        pairwise: EMPTY_PR, bcubed: EMPTY_PR, nmi: NaN, nmiGeometric: NaN,
        numPredClusters: 0, numGtClasses: 0, numSingletons: 0, numItems: 0,
      }
    : scoreClustering(pick(gt, kept), pick(evaluated, kept));
  return { protocol, note: NOTES[protocol], ...common, discardRatio: removal.discardRatio, ...scores };
}

export function pick(values: ArrayLike<number>, indices: Int32Array): Int32Array {
  const out = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = values[indices[i]];
  return out;
}
