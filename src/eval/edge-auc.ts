/**
 * Area under the ROC curve of edge scores for same-class (1) against different-class (0) edges: the
 * Mann–Whitney rank statistic, tied scores sharing their mean rank (sklearn's roc_auc_score). NaN
 * when either kind is absent.
 */
export function edgeAuc(scores: ArrayLike<number>, same: ArrayLike<number | boolean>): number {
  if (scores.length !== same.length) throw new Error(`edge AUC: ${scores.length} scores for ${same.length} edge labels`);
  const order = Int32Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let rankSum = 0, pos = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j < order.length && scores[order[j]] === scores[order[i]]) j++;
    // ranks i+1 … j share their mean
    const meanRank = (i + 1 + j) / 2;
    for (let t = i; t < j; t++) if (same[order[t]]) { rankSum += meanRank; pos++; }
    i = j;
  }
  const neg = scores.length - pos;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}
