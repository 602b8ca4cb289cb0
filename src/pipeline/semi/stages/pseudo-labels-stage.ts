import { readLabels, type KnnGraph, type Matrix } from '../../../data/files/index.js';
import { loadCheckpoint as loadNaan } from '../../../models/naan/checkpoint.js';
import { knnEdges, type ScoredEdges } from '../../../cluster/knn-edges.js';
import { cosineScorer } from '../../../cluster/edge-scorer.js';
import { naanScorer } from '../../../cluster/naan-scorer.js';
import { labelByPropagation, writeLabelling, type Labelling } from '../../../cluster/label-by-propagation.js';
import { pseudoLabelReport, writePseudoLabels } from '../../../cluster/labelling-files.js';
import { labellerCandidates, type ScoredGraph } from '../../../cluster/labeller-candidates.js';
import { selectLabeller, type LabellerSetting, type LabellerTrial } from '../../../cluster/labeller-selection.js';
import { CDP_PROPAGATION, NAAN_PROPAGATION } from '../../../cluster/propagation.js';
import { graphClusterer } from '../../../cluster/clusterers.js';
import { THRESHOLD_GRID } from '../../../cluster/threshold.js';
import { clusteringMetrics } from '../../../eval/clustering-metrics.js';
import { firstAppearance } from '../../../eval/dense-labels.js';
import { removeSingletons } from '../../../eval/unassigned.js';
import { heldOutEdges, type HeldOutScores } from '../../../eval/held-out-scores.js';
import { edgeAuc } from '../../../eval/edge-auc.js';
import { naanPredictProgress, progress } from '../../../report/progress.js';
import { readSelectionGraph, readSplitGraph, SemiContext } from './context.js';

/** One pseudo-labelling of the pool against its hidden classes, every image counted (−1 and singletons as their own clusters). */
export interface PseudoMethodRow {
  method: string;
  clusters: number;
  pairwiseP: number; pairwiseR: number; pairwiseF: number;
  bcubedP: number; bcubedR: number; bcubedF: number;
  nmi: number;
}

export interface PseudoAnalysis {
  scorer: string;
  /** the pseudo-labels used and the others on the same graph */
  methods: PseudoMethodRow[];
  /** connected components of the scored edges above each threshold, every image counted: precision/recall trade-off (fixed-recipe scorers) */
  sweep: { threshold: number; pairwiseP: number; pairwiseR: number; bcubedF: number }[];
}

/** `--scorer auto`'s race: every candidate's chosen setting, its held-out scores and (judging only) its pool scores. */
export interface PseudoSelection {
  heldOut: { classes: number; images: number };
  winner: string;
  /** each scorer's edge AUC (same class against different) on the edges the held-out classes judge, and on the pool's own edges (hidden classes) */
  scorers: { name: string; edges: number; heldOutAuc: number; poolAuc: number }[];
  candidates: { name: string; best: LabellerSetting; heldOut: HeldOutScores; pool: PseudoMethodRow; trials: LabellerTrial[]; seconds: number }[];
}

/** how analysis.json marks the method whose labels the loop used */
export const USED = ' (used)';

export async function pseudoLabelStage(c: SemiContext): Promise<void> {
  const truth = readLabels(c.input('embeddings/unlabelled_truth.txt', 'embed'));
  if (c.o.scorer === 'auto') autoLabels(c, truth);
  else fixedRecipeLabels(c, truth);
}

function methodRow(method: string, truth: ArrayLike<number>, pred: Int32Array): PseudoMethodRow {
  const m = clusteringMetrics(truth, pred);
  return { method, clusters: m.numPredClusters - m.numSingletons, pairwiseP: m.pairwise.precision, pairwiseR: m.pairwise.recall, pairwiseF: m.pairwise.fscore,
    bcubedP: m.bcubed.precision, bcubedR: m.bcubed.recall, bcubedF: m.bcubed.fscore, nmi: m.nmi };
}

function naanEdgeScorer(c: SemiContext) {
  const p = c.o.predict;
  return naanScorer(loadNaan(c.input('naan.json', 'naan')), { kHops: p.kHops, edgeHops: p.edgeHops, batchSize: 512, onProgress: naanPredictProgress() });
}

/**
 * Races every pseudo-labeller on the pool ∪ held-out graph and labels the pool with the one whose
 * held-out BCubed F is best; the pool's hidden classes only judge (selection.json, the report).
 */
function autoLabels(c: SemiContext, truth: Int32Array): void {
  // with --naan-train-on holdout NAAN learnt from the first held-out classes: only the others judge
  const { f, g, pool, judging: heldOutLabels } = readSelectionGraph(c);
  const graphs: ScoredGraph[] = [{ name: 'cosine', edges: knnEdges(g), preset: CDP_PROPAGATION, knn: g }];
  graphs.push({ name: 'NAAN', edges: naanEdgeScorer(c).score(f, g), preset: NAAN_PROPAGATION });
  const classSizes = new Map<number, number>();
  for (const y of readLabels(c.input('embeddings/labelled_labels.txt', 'embed'))) classSizes.set(y, (classSizes.get(y) ?? 0) + 1);
  const candidates = labellerCandidates(f.rows, graphs, { largestClass: Math.max(...classSizes.values()), seed: c.o.seed });
  const bar = progress('choosing the pseudo-labeller', candidates.reduce((n, k) => n + k.settings.length, 0), 'settings');
  const poolPart = (labels: Int32Array) => firstAppearance(labels.subarray(0, pool));
  // a labelling that leaves fewer than two pool clusters of two or more images (labels_clean.txt's) gives the retraining nothing
  const usable = (labels: Int32Array) => removeSingletons(poolPart(labels)).cleanLabels.reduce((m, l) => Math.max(m, l), -1) >= 1;
  const sel = selectLabeller(candidates, heldOutLabels, { usable, onTrial: () => bar.tick() });
  bar.stop();
  const labels = poolPart(sel.winner.labels);
  writePseudoLabels(c.file('pseudo'), labels, pseudoLabelReport(labels, truth), { scorer: 'auto', labeller: sel.winner.name, setting: sel.winner.best });
  const rows = sel.candidates.map((k) => ({ k, row: methodRow(k === sel.winner ? `${k.name}${USED}` : k.name, truth, poolPart(k.labels)) }));
  c.run.writeJson('pseudo/selection.json', {
    heldOut: { classes: new Set(heldOutLabels).size, images: heldOutLabels.length },
    winner: sel.winner.name,
    scorers: graphs.map((gr) => ({ name: gr.name, edges: gr.edges.scores.length, ...edgeAucs(gr.edges, f.rows, pool, heldOutLabels, truth) })),
    candidates: rows.map(({ k, row }) => ({ name: k.name, best: k.best, heldOut: k.heldOut, pool: row, trials: k.trials, seconds: k.seconds })),
  } satisfies PseudoSelection);
  c.run.writeJson('pseudo/analysis.json', { scorer: 'auto', methods: rows.map((r) => r.row), sweep: [] } satisfies PseudoAnalysis);
}

/**
 * Edge AUC of a scorer on the selection graph: on the edges with a judging held-out node (the other
 * end of another class when it is not held-out too) and on the edges between two pool nodes.
 */
function edgeAucs(e: ScoredEdges, numItems: number, pool: number, heldOutLabels: Int32Array, truth: Int32Array): { heldOutAuc: number; poolAuc: number } {
  const held = heldOutEdges(e.edges, numItems, heldOutLabels);
  const own: number[] = [], ownSame: number[] = [];
  for (let t = 0; t < e.scores.length; t++) {
    const a = e.edges[2 * t], b = e.edges[2 * t + 1];
    if (a < pool && b < pool) { own.push(e.scores[t]); ownSame.push(truth[a] === truth[b] ? 1 : 0); }
  }
  return { heldOutAuc: edgeAuc(Array.from(held.index, (t) => e.scores[t]), held.same), poolAuc: edgeAuc(own, ownSame) };
}

/** The papers' recipe: NAAN or cosine scores on the pool's graph, propagated with `--th/--step/--max-size`, and the cosine baselines beside it. */
function fixedRecipeLabels(c: SemiContext, truth: Int32Array): void {
  const { f, g } = readSplitGraph(c, 'unlabelled');
  const p = c.o.predict;
  const naan = c.o.scorer === 'naan';
  // --th and --step tune NAAN's preset; CDP's propagation starts at the smallest score
  const l = labelByPropagation(f, g, naan ? naanEdgeScorer(c) : cosineScorer, { propagation: naan ? { maxSize: p.maxSize, step: p.step, startThreshold: p.th } : { maxSize: p.maxSize }, truth });
  writeLabelling(c.file('pseudo'), l);
  const sweep = sweepOf(f, l.scored, truth);
  c.run.writeJson('pseudo/analysis.json', { scorer: c.o.scorer, methods: baselineRows(f, g, l, naan, truth, p.maxSize, sweep), sweep } satisfies PseudoAnalysis);
}

function baselineRows(f: Matrix, g: KnnGraph, used: Labelling, naan: boolean, truth: Int32Array, maxSize: number, sweep: PseudoAnalysis['sweep']): PseudoMethodRow[] {
  const rows = [methodRow(`${naan ? 'NAAN + propagation' : 'cosine CDP propagation'}${USED}`, truth, used.propagation.labels)];
  // the registry's cdp over every cosine edge (no threshold) is the loop's cosine propagation
  if (naan) rows.push(methodRow('cosine CDP propagation', truth, graphClusterer('cdp').run(f.rows, knnEdges(g), -Infinity, { maxSize })));
  // Infomap on the cosine pairs at face-cluster-by-infomap's min_sim: the unsupervised baseline to beat on part1
  const infomap = graphClusterer('infomap'), minSim = infomap.defaultThreshold;
  rows.push(methodRow(`cosine Infomap (threshold ${minSim})`, truth, infomap.run(f.rows, knnEdges(g, minSim), minSim, {})));
  const best = sweep.reduce((a, b) => (b.bcubedF > a.bcubedF ? b : a));
  rows.push(methodRow(`score-threshold components (best threshold ${best.threshold.toFixed(2)}, chosen with the truth)`, truth, graphClusterer('threshold').run(f.rows, used.scored, best.threshold, {})));
  return rows;
}

function sweepOf(f: Matrix, scored: ScoredEdges, truth: Int32Array): PseudoAnalysis['sweep'] {
  const components = graphClusterer('threshold');
  return THRESHOLD_GRID.map((threshold) => {
    const m = clusteringMetrics(truth, components.run(f.rows, scored, threshold, {}));
    return { threshold, pairwiseP: m.pairwise.precision, pairwiseR: m.pairwise.recall, bcubedF: m.bcubed.fscore };
  });
}
