import { denseLabels } from './dense-labels.js';

/** The label CDP, NAAN and learn-to-cluster write for an item that belongs to no cluster. */
export const UNASSIGNED = -1;

/**
 * learn-to-cluster's reading of a prediction with −1 (`list2dict(ignore_value=-1)` + `write_meta`):
 * the other labels renumbered 0.. by first appearance, then each −1 item its own new cluster
 * numClusters + k, k = 0, 1, … in index order. Without −1 the labels are returned as given.
 */
export function minus1AsSingletons(pred: ArrayLike<number>): Int32Array {
  const n = pred.length;
  let firstMinus1 = -1;
  for (let i = 0; i < n && firstMinus1 < 0; i++) if (pred[i] === UNASSIGNED) firstMinus1 = i;
  if (firstMinus1 < 0) return Int32Array.from(pred);
  // Dense ids are in first-appearance order, so dropping the id of −1 keeps the others' order.
  const dense = denseLabels(pred);
  const minus1Id = dense.ids[firstMinus1];
  const out = new Int32Array(n);
  let next = dense.count - 1;
  for (let i = 0; i < n; i++) {
    const d = dense.ids[i];
    out[i] = d === minus1Id ? next++ : d < minus1Id ? d : d - 1;
  }
  return out;
}

export interface SingletonRemoval {
  /** items whose raw label is not −1 and whose predicted cluster has more than one item. */
  keptIndices: Int32Array;
  /** 1 − kept/n: the share of items the protocol leaves out. */
  discardRatio: number;
  /** NAAN's `*_labels_clean.txt`: dropped items −1, kept clusters renumbered 0.. by first appearance. */
  cleanLabels: Int32Array;
}

/** The NAAN `statistics.py` protocol: drop −1 items and clusters of size 1. */
export function removeSingletons(pred: ArrayLike<number>): SingletonRemoval {
  const n = pred.length;
  const dense = denseLabels(pred);
  const kept = new Int32Array(n);
  let numKept = 0;
  const cleanLabels = new Int32Array(n).fill(UNASSIGNED);
  const renumbered = new Int32Array(dense.count).fill(-1);
  let next = 0;
  for (let i = 0; i < n; i++) {
    const d = dense.ids[i];
    if (pred[i] === UNASSIGNED || dense.sizes[d] < 2) continue;
    if (renumbered[d] < 0) renumbered[d] = next++;
    cleanLabels[i] = renumbered[d];
    kept[numKept++] = i;
  }
  return { keptIndices: kept.slice(0, numKept), discardRatio: 1 - numKept / n, cleanLabels };
}
