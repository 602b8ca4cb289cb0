import type { ClusteringMetrics } from './clustering-metrics.js';
import type { RetrievalMetrics } from './retrieval.js';
import type { VerificationMetrics } from './verification.js';

/** Two-column aligned table. */
function table(title: string, rows: [string, string][]): string {
  const w = Math.max(...rows.map((r) => r[0].length));
  return [title, ...rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`)].join('\n') + '\n';
}

const pct = (x: number): string => (Number.isNaN(x) ? 'NaN' : (100 * x).toFixed(2));

export function formatRetrieval(m: RetrievalMetrics): string {
  return table(`Retrieval (${m.mode}, ${m.numQueries} queries; percentages)`, [
    ...m.ks.map((k, i): [string, string] => [`Recall@${k}`, `${m.recall[i].toFixed(2)}  (${m.hits[i]} hits)`]),
    ['MAP@R', pct(m.mapAtR)],
    ['R-precision', pct(m.rPrecision)],
    ['Precision@1', pct(m.precisionAt1)],
    ['lone queries', `${m.numLoneQueries} (no same-label item in the gallery; left out of MAP@R, R-precision, P@1)`],
  ]);
}

export function formatClustering(m: ClusteringMetrics): string {
  const prf = (x: { precision: number; recall: number; fscore: number }): string =>
    `P ${pct(x.precision)}  R ${pct(x.recall)}  F ${pct(x.fscore)}`;
  return table(`Clustering (${m.note}; percentages)`, [
    ['pairwise', prf(m.pairwise)],
    ['BCubed', prf(m.bcubed)],
    ['NMI (arithmetic)', pct(m.nmi)],
    ['NMI (geometric)', pct(m.nmiGeometric)],
    ['items evaluated', `${m.numItems} of ${m.numInputItems} (discard ratio ${m.discardRatio.toFixed(4)})`],
    ['-1 labels', String(m.numUnassigned)],
    ['predicted clusters', String(m.numPredClusters)],
    ['singleton clusters', `${m.numSingletons} (before removal: ${m.numSingletonsBeforeRemoval})`],
    ['ground-truth classes', String(m.numGtClasses)],
  ]);
}

/** `accuracyFlip`: insightface's Accuracy-Flip (facet eval verification --bin --flip). */
export function formatVerification(m: VerificationMetrics & { accuracyFlip?: number; stdFlip?: number }): string {
  return table(`Verification (${m.numPairs} pairs, ${m.numSame} same; percentages)`, [
    [`${m.folds}-fold accuracy`, `${pct(m.accuracy)} ± ${pct(m.std)}`],
    ...(m.accuracyFlip !== undefined ? [[`${m.folds}-fold accuracy (flip)`, `${pct(m.accuracyFlip)} ± ${pct(m.stdFlip!)}`] as [string, string]] : []),
    ...m.tarAtFar.map((t): [string, string] => [`TAR@FAR=${t.far.toExponential(0)}`, pct(t.tar)]),
  ]);
}
