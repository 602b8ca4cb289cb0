import { readLabels } from '../../../data/files/index.js';
import { loadCheckpoint as loadNaan } from '../../../models/naan/checkpoint.js';
import { knnEdges } from '../../../cluster/knn-edges.js';
import { cosineScorer } from '../../../cluster/edge-scorer.js';
import { naanScorer } from '../../../cluster/naan-scorer.js';
import { labelByPropagation, writeLabelling } from '../../../cluster/label-by-propagation.js';
import { graphClusterer } from '../../../cluster/clusterers.js';
import { THRESHOLD_GRID } from '../../../cluster/threshold.js';
import { clusteringMetrics } from '../../../eval/clustering-metrics.js';
import { naanPredictProgress } from '../../../report/progress.js';
import { readSplitGraph, SemiContext } from './context.js';

export interface PseudoAnalysis {
  scorer: string;
  /** the pseudo-labels against the hidden truth, and the cosine baselines on the same graph */
  methods: { method: string; clusters: number; discardRatio: number; pairwiseP: number; pairwiseR: number; pairwiseF: number; bcubedP: number; bcubedR: number; bcubedF: number; nmi: number }[];
  /** connected components of the scored edges above each threshold, every image counted: precision/recall trade-off */
  sweep: { threshold: number; pairwiseP: number; pairwiseR: number; bcubedF: number }[];
}

/** Scores the unlabelled graph's edges, propagates them into clusters, drops singletons, and judges them. */
export async function pseudoLabelStage(c: SemiContext): Promise<void> {
  const { f, g } = readSplitGraph(c, 'unlabelled');
  const truth = readLabels(c.input('embeddings/unlabelled_truth.txt', 'embed'));
  const p = c.o.predict;
  const naan = c.o.scorer === 'naan';
  const scorer = naan
    ? naanScorer(loadNaan(c.input('naan.json', 'naan')), { kHops: p.kHops, edgeHops: p.edgeHops, batchSize: 512, onProgress: naanPredictProgress() })
    : cosineScorer;
  // --th and --step tune NAAN's preset; CDP's propagation starts at the smallest score
  const l = labelByPropagation(f, g, scorer, { propagation: naan ? { maxSize: p.maxSize, step: p.step, startThreshold: p.th } : { maxSize: p.maxSize }, truth });
  writeLabelling(c.file('pseudo'), l);
  const { scored } = l, labels = l.propagation.labels;
  const cdp = graphClusterer('cdp'), components = graphClusterer('threshold');
  const row = (method: string, pred: Int32Array) => {
    const m = clusteringMetrics(truth, pred, { removeSingletons: true });
    return { method, clusters: m.numPredClusters, discardRatio: m.discardRatio, pairwiseP: m.pairwise.precision, pairwiseR: m.pairwise.recall, pairwiseF: m.pairwise.fscore,
      bcubedP: m.bcubed.precision, bcubedR: m.bcubed.recall, bcubedF: m.bcubed.fscore, nmi: m.nmi };
  };
  const methods = [row(naan ? 'NAAN + propagation (used)' : 'cosine CDP propagation (used)', labels)];
  // the registry's cdp over every cosine edge (no threshold) is the loop's cosine propagation
  if (naan) methods.push(row('cosine CDP propagation', cdp.run(f.rows, knnEdges(g), -Infinity, { maxSize: p.maxSize })));
  // Infomap on the cosine pairs at face-cluster-by-infomap's min_sim: the unsupervised baseline to beat on part1
  const infomap = graphClusterer('infomap'), minSim = infomap.defaultThreshold;
  methods.push(row(`cosine Infomap (threshold ${minSim})`, infomap.run(f.rows, knnEdges(g, minSim), minSim, {})));
  // every image counted (−1 as its own cluster): with singletons removed a high threshold would look best by discarding nearly all
  const sweep = THRESHOLD_GRID.map((threshold) => {
    const m = clusteringMetrics(truth, components.run(f.rows, scored, threshold, {}));
    return { threshold, pairwiseP: m.pairwise.precision, pairwiseR: m.pairwise.recall, bcubedF: m.bcubed.fscore };
  });
  const best = sweep.reduce((a, b) => (b.bcubedF > a.bcubedF ? b : a));
  methods.push(row(`score-threshold components (best threshold ${best.threshold.toFixed(2)}, chosen with the truth)`, components.run(f.rows, scored, best.threshold, {})));
  c.run.writeJson('pseudo/analysis.json', { scorer: c.o.scorer, methods, sweep } satisfies PseudoAnalysis);
}
