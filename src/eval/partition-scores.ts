import type { Contingency } from './contingency.js';
import { CompensatedSum } from './compensated-sum.js';

export interface PrecisionRecall {
  precision: number;
  recall: number;
  fscore: number;
}

export const fscore = (p: number, r: number): number => (2 * p * r) / (p + r);

/**
 * Pairwise P/R/F over ordered pairs of distinct items, as learn-to-cluster `pairwise` (the
 * Fowlkes–Mallows counts): tk = Σn_ij² − n, pk = Σb_j² − n, qk = Σa_i² − n, P = tk/pk, R = tk/qk.
 * Every count is an integer below 2⁵³, so the result is exact. All clusters singletons ⇒ P = NaN.
 */
export function pairwiseScores(c: Contingency): PrecisionRecall {
  let tk = -c.n;
  for (let e = 0; e < c.cellCount.length; e++) tk += c.cellCount[e] * c.cellCount[e];
  let pk = -c.n;
  for (const b of c.clusterSizes) pk += b * b;
  let qk = -c.n;
  for (const a of c.classSizes) qk += a * a;
  const precision = tk / pk;
  const recall = tk / qk;
  return { precision, recall, fscore: fscore(precision, recall) };
}

/** BCubed: P = (1/n) Σ n_ij²/b_j, R = (1/n) Σ n_ij²/a_i (learn-to-cluster `bcubed`). */
export function bcubedScores(c: Contingency): PrecisionRecall {
  const p = new CompensatedSum();
  const r = new CompensatedSum();
  for (let e = 0; e < c.cellCount.length; e++) {
    const sq = c.cellCount[e] * c.cellCount[e];
    p.add(sq / c.clusterSizes[c.cellCluster[e]]);
    r.add(sq / c.classSizes[c.cellClass[e]]);
  }
  const precision = p.value() / c.n;
  const recall = r.value() / c.n;
  return { precision, recall, fscore: fscore(precision, recall) };
}

/** Entropy of a labeling from its cluster sizes, natural log (sklearn `entropy`). */
function entropy(sizes: Int32Array, n: number): number {
  const h = new CompensatedSum();
  const logN = Math.log(n);
  for (const s of sizes) if (s > 0) h.add((s / n) * (Math.log(s) - logN));
  return -h.value();
}

/** Mutual information with sklearn 1.2.1's per-cell formula, including its flush of |term| < eps to 0. */
function mutualInformation(c: Contingency): number {
  if (c.classSizes.length === 1 || c.clusterSizes.length === 1) return 0;
  const logN = Math.log(c.n);
  const mi = new CompensatedSum();
  for (let e = 0; e < c.cellCount.length; e++) {
    const nij = c.cellCount[e];
    const pij = nij / c.n;
    const outer = c.classSizes[c.cellClass[e]] * c.clusterSizes[c.cellCluster[e]];
    const logOuter = -Math.log(outer) + logN + logN;
    const term = pij * (Math.log(nij) - logN) + pij * logOuter;
    if (Math.abs(term) >= Number.EPSILON) mi.add(term);
  }
  return Math.max(mi.value(), 0);
}

export interface NmiScores {
  /** MI / ((H(gt) + H(pred)) / 2): sklearn ≥ 0.22 default `average_method='arithmetic'`. */
  arithmetic: number;
  /** MI / √(H(gt)·H(pred)): the sklearn < 0.22 default, for comparison with older papers. */
  geometric: number;
}

/** sklearn `normalized_mutual_info_score` (1.0 when both labelings are one cluster). */
export function nmiScores(c: Contingency): NmiScores {
  const g = c.classSizes.length;
  const p = c.clusterSizes.length;
  if (g === p && (g === 1 || g === 0)) return { arithmetic: 1, geometric: 1 };
  const mi = mutualInformation(c);
  const hGt = entropy(c.classSizes, c.n);
  const hPred = entropy(c.clusterSizes, c.n);
  return {
    arithmetic: mi / Math.max((hGt + hPred) / 2, Number.EPSILON),
    geometric: mi / Math.max(Math.sqrt(hGt * hPred), Number.EPSILON),
  };
}
