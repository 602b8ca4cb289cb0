import { l2NormalizeRows } from './normalize.js';
import { rocCurve, tarAtFar, type RocCurve, type TarAtFar } from './roc.js';
import { checkEmbeddings } from './validate.js';
import type { EmbeddingMatrix } from './retrieval.js';

/** Face-verification pairs: rows idx1[p] and idx2[p] of the embeddings, same[p] = 1 for one identity. */
export interface VerificationPairs {
  idx1: Int32Array;
  idx2: Int32Array;
  same: Uint8Array;
}

export interface FoldAccuracy {
  /** mean accuracy over the folds (the number LFW / CFP / AgeDB tables report), a fraction. */
  accuracy: number;
  /** population standard deviation over the folds (numpy std), as insightface prints. */
  std: number;
  perFold: number[];
  /** squared-distance threshold chosen on the other folds, per fold. */
  thresholds: number[];
}

export interface VerificationMetrics extends FoldAccuracy {
  numPairs: number;
  numSame: number;
  folds: number;
  tarAtFar: TarAtFar[];
  /** ROC of the cosine similarities. */
  roc: RocCurve;
}

export interface VerificationOptions {
  folds?: number;
  fars?: number[];
}

export const DEFAULT_FARS = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1];

/** insightface's threshold grid on squared distance: np.arange(0, 4, 0.01). */
const GRID_STEP = 0.01;
const GRID_SIZE = 400;

/**
 * insightface `verification.py` calculate_roc accuracy: pairs split into `folds` contiguous folds
 * (sklearn KFold without shuffle); on each, the threshold of best accuracy on the other folds
 * (first on ties) classifies dist < threshold as "same". Linear in the pairs: each pair is binned
 * once by the first grid threshold that accepts it, then accuracies come from prefix counts.
 */
export function kFoldAccuracy(sqDistance: ArrayLike<number>, same: ArrayLike<number>, folds = 10): FoldAccuracy {
  const n = sqDistance.length;
  if (!Number.isInteger(folds) || folds < 2) throw new Error(`folds = ${folds}: need an integer ≥ 2`);
  if (n < folds) throw new Error(`${n} pairs cannot be split into ${folds} folds`);
  // bin[p] = first t with dist < t·0.01 (GRID_SIZE when none): "same" for every threshold t ≥ bin.
  const bin = new Int32Array(n);
  for (let p = 0; p < n; p++) {
    const d = sqDistance[p];
    let t = Math.max(0, Math.min(GRID_SIZE, Math.floor(d / GRID_STEP)));
    while (t > 0 && d < (t - 1) * GRID_STEP) t--;
    while (t < GRID_SIZE && !(d < t * GRID_STEP)) t++;
    bin[p] = t;
  }
  const foldOf = (p: number): number => {
    const small = Math.floor(n / folds);
    const big = n % folds; // the first n % folds folds hold one more pair
    return p < big * (small + 1) ? Math.floor(p / (small + 1)) : big + Math.floor((p - big * (small + 1)) / small);
  };
  // counts[f][t]: pairs of fold f, same or not, binned at t.
  const sameAt = Array.from({ length: folds }, () => new Float64Array(GRID_SIZE + 1));
  const diffAt = Array.from({ length: folds }, () => new Float64Array(GRID_SIZE + 1));
  for (let p = 0; p < n; p++) (same[p] ? sameAt : diffAt)[foldOf(p)][bin[p]]++;
  const accuracies = (fs: number[]): Float64Array => {
    const acc = new Float64Array(GRID_SIZE);
    let total = 0;
    let diffTotal = 0;
    for (const f of fs) for (let t = 0; t <= GRID_SIZE; t++) { total += sameAt[f][t] + diffAt[f][t]; diffTotal += diffAt[f][t]; }
    let tp = 0;
    let fpSoFar = 0;
    for (let t = 0; t < GRID_SIZE; t++) {
      for (const f of fs) { tp += sameAt[f][t]; fpSoFar += diffAt[f][t]; }
      acc[t] = (tp + diffTotal - fpSoFar) / total;
    }
    return acc;
  };
  const perFold: number[] = [];
  const thresholds: number[] = [];
  for (let f = 0; f < folds; f++) {
    const train = accuracies([...Array(folds).keys()].filter((x) => x !== f));
    let best = 0;
    for (let t = 1; t < GRID_SIZE; t++) if (train[t] > train[best]) best = t;
    thresholds.push(best * GRID_STEP);
    perFold.push(accuracies([f])[best]);
  }
  const accuracy = perFold.reduce((a, b) => a + b, 0) / folds;
  const std = Math.sqrt(perFold.reduce((a, b) => a + (b - accuracy) ** 2, 0) / folds);
  return { accuracy, std, perFold, thresholds };
}

/**
 * Verification metrics of embeddings on a list of pairs: 10-fold accuracy on squared Euclidean
 * distance of L2-normalised embeddings (LFW / CFP-FP / AgeDB protocol) and TAR at FAR from the ROC
 * of cosine similarities (IJB-B/C style). Distances are computed in float64 from the float32
 * normalised rows (insightface computes them in float32; only exact threshold ties could differ).
 */
export function evaluateVerification(
  embeddings: EmbeddingMatrix, pairs: VerificationPairs, options: VerificationOptions = {},
): VerificationMetrics {
  const { rows, cols } = embeddings;
  checkEmbeddings('embeddings', embeddings.data, rows, cols);
  const n = pairs.same.length;
  if (n === 0) throw new Error('pairs: no pairs to evaluate');
  if (pairs.idx1.length !== n || pairs.idx2.length !== n) throw new Error('pairs: idx1, idx2 and same differ in length');
  let numSame = 0;
  for (let p = 0; p < n; p++) {
    for (const idx of [pairs.idx1[p], pairs.idx2[p]]) {
      if (idx < 0 || idx >= rows) throw new Error(`pairs: pair ${p} refers to row ${idx}, but there are ${rows} embeddings`);
    }
    if (pairs.same[p]) numSame++;
  }
  if (numSame === 0 || numSame === n) throw new Error('pairs: need both same and different pairs');
  const e = l2NormalizeRows(embeddings.data, rows, cols);
  const cosine = new Float64Array(n);
  const sqDistance = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    const a = pairs.idx1[p] * cols;
    const b = pairs.idx2[p] * cols;
    let dot = 0;
    let sq = 0;
    for (let j = 0; j < cols; j++) {
      dot += e[a + j] * e[b + j];
      const d = e[a + j] - e[b + j];
      sq += d * d;
    }
    cosine[p] = dot;
    sqDistance[p] = sq;
  }
  const folds = options.folds ?? 10;
  const roc = rocCurve(cosine, pairs.same);
  return {
    ...kFoldAccuracy(sqDistance, pairs.same, folds),
    numPairs: n, numSame, folds,
    tarAtFar: tarAtFar(roc, options.fars ?? DEFAULT_FARS),
    roc,
  };
}
