import { fscore, type PrecisionRecall } from './partition-scores.js';
import { UNASSIGNED } from './unassigned.js';
import { checkLabels } from './validate.js';

export interface HeldOutScores {
  pairwise: PrecisionRecall;
  bcubed: PrecisionRecall;
  /** held-out items scored */
  numItems: number;
  /** held-out items whose cluster holds an item of another class (a held-out one or a pool one) */
  numMixed: number;
}

/**
 * Pairwise and BCubed scores of a clustering of pool ∪ held-out items, judged on the held-out items
 * alone: `pred` labels items 0 … P−1 (the pool, whose classes are unknown) then P … P+H−1 (the
 * held-out items, `heldOutLabels`). The pool's classes are disjoint from the held-out ones (the loop
 * splits by class), so a pool item in a held-out item's cluster is a wrong merge even though its own
 * class is unknown; pairs of two pool items are the only ones left unjudged. −1 counts as a
 * singleton (every item counted, learn-to-cluster's protocol). The clustering is judged on the graph
 * it must label, at its density, not on a small graph of the held-out classes alone.
 */
export function heldOutScores(pred: ArrayLike<number>, heldOutLabels: ArrayLike<number>): HeldOutScores {
  checkLabels('pred', pred);
  checkLabels('held-out labels', heldOutLabels);
  const H = heldOutLabels.length;
  const P = pred.length - H;
  if (P < 0) throw new Error(`held-out scores: ${H} held-out labels for ${pred.length} clustered items`);
  const clusterSize = new Map<number, number>();
  for (let i = 0; i < pred.length; i++) if (pred[i] !== UNASSIGNED) clusterSize.set(pred[i], (clusterSize.get(pred[i]) ?? 0) + 1);
  // n(K, y): held-out items of class y in cluster K; |y|: held-out items of class y
  const together = new Map<string, number>();
  const classSize = new Map<number, number>();
  for (let h = 0; h < H; h++) {
    const y = heldOutLabels[h], K = pred[P + h];
    classSize.set(y, (classSize.get(y) ?? 0) + 1);
    if (K !== UNASSIGNED) together.set(`${K} ${y}`, (together.get(`${K} ${y}`) ?? 0) + 1);
  }
  let bp = 0, br = 0, mixed = 0;
  for (let h = 0; h < H; h++) {
    const y = heldOutLabels[h], K = pred[P + h];
    const same = K === UNASSIGNED ? 1 : together.get(`${K} ${y}`)!;
    const size = K === UNASSIGNED ? 1 : clusterSize.get(K)!;
    bp += same / size;
    br += same / classSize.get(y)!;
    if (same < size) mixed++;
  }
  // pairs with at least one held-out item: same cluster (predicted), same class (truth), both (true positives)
  const pairs = (m: number) => (m * (m - 1)) / 2;
  let tp = 0, predicted = 0, truePairs = 0;
  for (const m of together.values()) tp += pairs(m);
  const heldOutIn = new Map<number, number>();
  for (const [key, m] of together) {
    const K = Number(key.split(' ')[0]);
    heldOutIn.set(K, (heldOutIn.get(K) ?? 0) + m);
  }
  for (const [K, h] of heldOutIn) predicted += pairs(clusterSize.get(K)!) - pairs(clusterSize.get(K)! - h);
  for (const m of classSize.values()) truePairs += pairs(m);
  const pr = (precision: number, recall: number): PrecisionRecall => ({ precision, recall, fscore: fscore(precision, recall) });
  return {
    // as pairwiseScores: no predicted pair (all singletons) gives precision NaN
    pairwise: pr(tp / predicted, tp / truePairs),
    bcubed: pr(H > 0 ? bp / H : NaN, H > 0 ? br / H : NaN),
    numItems: H,
    numMixed: mixed,
  };
}

/**
 * The edges (E×2 item ids) that held-out labels judge, items laid out as for heldOutScores (the last
 * H of `numItems` are held-out): those with a held-out end, and whether both ends are of one held-out
 * class (an end among the others is of another class, the classes being disjoint).
 */
export function heldOutEdges(edges: Int32Array, numItems: number, heldOutLabels: ArrayLike<number>): { index: Int32Array; same: Uint8Array } {
  const from = numItems - heldOutLabels.length;
  const label = (i: number) => (i >= from ? heldOutLabels[i - from] : UNASSIGNED);
  const index: number[] = [], same: number[] = [];
  for (let t = 0; 2 * t < edges.length; t++) {
    const a = label(edges[2 * t]), b = label(edges[2 * t + 1]);
    if (a === UNASSIGNED && b === UNASSIGNED) continue;
    index.push(t);
    same.push(a !== UNASSIGNED && a === b ? 1 : 0);
  }
  return { index: Int32Array.from(index), same: Uint8Array.from(same) };
}
