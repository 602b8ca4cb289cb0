/**
 * ROC curve of similarity scores (higher = more likely the same identity), exactly as sklearn
 * 1.2.1 `roc_curve(labels, scores)` with its default drop_intermediate=True, and TAR at FAR read off
 * it the way insightface `eval_ijbc.py` does (the point whose FPR is nearest; on ties the last, i.e. the
 * largest TPR: it flips the curve with `np.flipud` "to select largest tpr at same fpr" and then takes the
 * lowest index of the flipped arrays).
 * Linear memory: positives and negatives are sorted separately and merged, no per-pair objects.
 */
export interface RocCurve {
  fpr: Float64Array;
  tpr: Float64Array;
  /** score thresholds, descending; the first is max score + 1 (sklearn 1.2). */
  thresholds: Float64Array;
}

export function rocCurve(scores: ArrayLike<number>, same: ArrayLike<number>): RocCurve {
  let np = 0;
  for (let i = 0; i < same.length; i++) if (same[i]) np++;
  const pos = new Float64Array(np);
  const neg = new Float64Array(same.length - np);
  for (let i = 0, a = 0, b = 0; i < same.length; i++) {
    if (same[i]) pos[a++] = scores[i];
    else neg[b++] = scores[i];
  }
  pos.sort().reverse();
  neg.sort().reverse();
  // One point per distinct score, descending: (#neg ≥ v, #pos ≥ v).
  const tps: number[] = [];
  const fps: number[] = [];
  const ths: number[] = [];
  let i = 0;
  let j = 0;
  while (i < pos.length || j < neg.length) {
    const v = Math.max(i < pos.length ? pos[i] : -Infinity, j < neg.length ? neg[j] : -Infinity);
    while (i < pos.length && pos[i] === v) i++;
    while (j < neg.length && neg[j] === v) j++;
    tps.push(i);
    fps.push(j);
    ths.push(v);
  }
  // drop_intermediate: keep the ends and every point where the curve's slope changes.
  const keep: number[] = [];
  for (let p = 0; p < tps.length; p++) {
    const end = p === 0 || p === tps.length - 1;
    if (tps.length <= 2 || end
      || fps[p + 1] - 2 * fps[p] + fps[p - 1] !== 0 || tps[p + 1] - 2 * tps[p] + tps[p - 1] !== 0) keep.push(p);
  }
  const m = keep.length + 1;
  const fpr = new Float64Array(m);
  const tpr = new Float64Array(m);
  const thresholds = new Float64Array(m);
  thresholds[0] = ths[keep[0]] + 1;
  const lastF = fps[fps.length - 1];
  const lastT = tps[tps.length - 1];
  keep.forEach((p, q) => {
    fpr[q + 1] = fps[p] / lastF;
    tpr[q + 1] = tps[p] / lastT;
    thresholds[q + 1] = ths[p];
  });
  return { fpr, tpr, thresholds };
}

export interface TarAtFar {
  far: number;
  tar: number;
  /** the ROC point used: its FPR and score threshold. */
  fprAtPoint: number;
  threshold: number;
}

/** For each target FAR, the ROC point with the nearest FPR (the highest index, so the largest TPR, on ties), as eval_ijbc.py. */
export function tarAtFar(roc: RocCurve, fars: number[]): TarAtFar[] {
  return fars.map((far) => {
    let best = 0;
    for (let p = 1; p < roc.fpr.length; p++) {
      if (Math.abs(roc.fpr[p] - far) <= Math.abs(roc.fpr[best] - far)) best = p;
    }
    return { far, tar: roc.tpr[best], fprAtPoint: roc.fpr[best], threshold: roc.thresholds[best] };
  });
}
