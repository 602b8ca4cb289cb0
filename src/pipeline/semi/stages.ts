import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { checkFinite, makeDir, readFeatures, readJsonFile, readKnn, readLabels, writeFeatures, writeKnnLearnToCluster, writeLabels, type KnnGraph, type Matrix } from '../../data/files/index.js';
import { exactKnn } from '../../knn/exact.js';
import { checkK } from '../../knn/prepare.js';
import { trainNaan } from '../../models/naan/train.js';
import { loadCheckpoint as loadNaan } from '../../models/naan/checkpoint.js';
import { knnEdges } from '../../cluster/knn-edges.js';
import { cosineScorer } from '../../cluster/edge-scorer.js';
import { naanScorer } from '../../cluster/naan-scorer.js';
import { labelByPropagation, writeLabelling } from '../../cluster/label-by-propagation.js';
import { graphClusterer } from '../../cluster/clusterers.js';
import { THRESHOLD_GRID } from '../../cluster/threshold.js';
import { clusteringMetrics } from '../../eval/clustering-metrics.js';
import { denseLabels } from '../../eval/dense-labels.js';
import { train } from '../../train/trainer.js';
import { recallAtK } from '../../train/evaluate-recall.js';
import { InterruptedError } from '../../train/interrupted.js';
import { loadTrainedModel } from '../../train/trained-model.js';
import { loadCheckpoint } from '../../train/checkpoint.js';
import { gatherRows, splitByClass, type Samples } from '../../train/samples.js';
import { naanPredictProgress, naanTrainProgress, progress, trainingProgress } from '../../report/progress.js';
import { embedWithProgress } from '../../train/embed-source.js';
import type { RunFolder } from '../../report/run-folder.js';
import { makeSplit, splitData, type SemiData, type SemiSplit, type SourceData } from './data.js';
import { loadTrainingData } from '../../train/load-dataset.js';
import type { SemiOptions } from './options.js';

/** What every stage can reach: options, the run folder, and the split's data (read once, lazily). */
export class SemiContext {
  private source?: SourceData;
  private data?: SemiData;
  constructor(readonly o: SemiOptions, readonly run: RunFolder) {}

  file(name: string): string {
    return this.run.path(name);
  }

  /** a file an earlier stage wrote; a clear error naming the stage to run when it is missing */
  input(name: string, stage: string): string {
    const p = this.file(name);
    if (!existsSync(p)) throw new Error(`${p} is missing: it is written by stage "${stage}" (run with --from ${stage})`);
    return p;
  }

  json<T>(name: string, stage: string): T {
    return readJsonFile<T>(this.input(name, stage));
  }

  /** the dataset, read once per run (a re-entered stage needs no earlier stage in memory) */
  async dataset(): Promise<SourceData> {
    this.source ??= await loadTrainingData(this.o.dataset, this.o);
    return this.source;
  }

  async samples(): Promise<SemiData> {
    this.data ??= splitData(await this.dataset(), this.json<SemiSplit>('split.json', 'split'));
    return this.data;
  }

  /** the labelled samples the heads train on, and the class-disjoint validation carved from them */
  async labelledTrainVal(): Promise<ReturnType<typeof splitByClass>> {
    return splitByClass((await this.samples()).labelled, this.o.valFraction);
  }
}

export async function splitStage(c: SemiContext): Promise<void> {
  const split = makeSplit(c.o, await c.dataset());
  if (split.unlabelledIgnored > 0) process.stderr.write(`facet: ${split.unlabelledIgnored} unlabelled rows (label −1) ignored: in no class, part or evaluation of the loop\n`);
  c.run.writeJson('split.json', split);
}

/** `--resume` continues the re-entered stage's training where its checkpoint left it */
function resuming(c: SemiContext, stage: 'supervised' | 'retrain' | 'naan', checkpoint = `${stage}/checkpoint.json`): boolean {
  return c.o.resume && c.o.from === stage && existsSync(c.file(checkpoint));
}

/** A Ctrl-C during training: the trainer saved its checkpoint; the loop stops instead of going on with a partial model. */
function stopIfInterrupted(c: SemiContext, stage: 'supervised' | 'retrain', interrupted: boolean): void {
  if (interrupted) throw new InterruptedError(`stage ${stage} interrupted; its checkpoint is in ${c.file(stage)}: continue with --resume`);
}

export async function supervisedStage(c: SemiContext): Promise<void> {
  const { train: tr, val, numClasses } = await c.labelledTrainVal();
  const r = await train({ runDir: c.file('supervised'), config: c.o.train, train: tr, val, numClasses, resume: resuming(c, 'supervised'), onProgress: trainingProgress() });
  stopIfInterrupted(c, 'supervised', r.interrupted);
}

/** Embeddings of the labelled and unlabelled rows by the supervised model (validation-selected epoch). */
export async function embedStage(c: SemiContext): Promise<void> {
  const d = await c.samples();
  c.input('supervised/checkpoint.json', 'supervised');
  const { model } = loadTrainedModel(c.file('supervised'), d.labelled.sampleShape, 'best');
  makeDir(c.file('embeddings'));
  for (const [name, s] of [['labelled', d.labelled], ['unlabelled', d.unlabelled]] as const) {
    const e = { data: embedWithProgress(`embed ${name}`, model, s), rows: s.n, cols: model.embeddingDim };
    checkFinite(e, `embeddings of the ${name} rows by ${c.file('supervised')} (not written)`);
    writeFeatures(c.file(`embeddings/${name}.npy`), e);
    // the unlabelled rows' labels are the hidden truth: written for judging the pseudo-labels only
    writeLabels(c.file(`embeddings/${name === 'labelled' ? 'labelled_labels' : 'unlabelled_truth'}.txt`), s.labels);
  }
}

export async function knnStage(c: SemiContext): Promise<void> {
  for (const name of ['labelled', 'unlabelled']) {
    const f = readFeatures(c.input(`embeddings/${name}.npy`, 'embed'));
    checkK(c.o.knnK, f.rows, '--knn-k');
    const bar = progress(`kNN ${name}`, f.rows, 'rows');
    const g = exactKnn(f, c.o.knnK, { onProgress: (done) => bar.update(done) });
    bar.stop();
    writeKnnLearnToCluster(c.file(`embeddings/${name}_knn.npz`), g);
  }
}

function readSplitGraph(c: SemiContext, name: string): { f: Matrix; g: KnnGraph } {
  return { f: readFeatures(c.input(`embeddings/${name}.npy`, 'embed')), g: readKnn(c.input(`embeddings/${name}_knn.npz`, 'knn')) };
}

/** NAAN's link classifier trained on the labelled graph (skipped with the cosine scorer). */
export async function naanStage(c: SemiContext): Promise<void> {
  if (c.o.scorer !== 'naan') return;
  const { f, g } = readSplitGraph(c, 'labelled');
  const labels = readLabels(c.input('embeddings/labelled_labels.txt', 'embed'));
  const n = c.o.naan;
  const bars = naanTrainProgress();
  const r = await trainNaan(f, g, labels, {
    kHops: n.kHops, sampleHops: n.sampleHops, epochs: n.epochs, batchSize: n.batchSize, nheads: 1, lr: n.lr, lrDecay: 0.1,
    weightDecay: 5e-4, clipNorm: 2, seed: c.o.seed, maxStepsPerEpoch: n.maxStepsPerEpoch, checkpoint: c.file('naan.json'), resume: resuming(c, 'naan', 'naan.json'),
    onStep: bars.onStep,
  });
  bars.stop();
  if (r.interrupted) throw new InterruptedError(`stage naan interrupted; its checkpoint is ${c.file('naan.json')}: continue with --resume`);
  c.run.writeJson('naan_train.json', { history: r.history, pairs: r.numPairs, positiveRatio: r.positiveRatio });
}

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
  // every image counted (−1 as its own cluster): with singletons removed a high threshold would look best by discarding nearly all
  const sweep = THRESHOLD_GRID.map((threshold) => {
    const m = clusteringMetrics(truth, components.run(f.rows, scored, threshold, {}));
    return { threshold, pairwiseP: m.pairwise.precision, pairwiseR: m.pairwise.recall, bcubedF: m.bcubed.fscore };
  });
  const best = sweep.reduce((a, b) => (b.bcubedF > a.bcubedF ? b : a));
  methods.push(row(`score-threshold components (best threshold ${best.threshold.toFixed(2)}, chosen with the truth)`, components.run(f.rows, scored, best.threshold, {})));
  c.run.writeJson('pseudo/analysis.json', { scorer: c.o.scorer, methods, sweep } satisfies PseudoAnalysis);
}

/** Rows of the unlabelled pool that kept a pseudo-label (singletons and −1 dropped), as a second head's data. */
export async function pseudoSamples(c: SemiContext): Promise<{ samples: Samples; numClasses: number }> {
  const { unlabelled } = await c.samples();
  const clean = readLabels(c.input('pseudo/labels_clean.txt', 'pseudo-labels'));
  if (clean.length !== unlabelled.n) throw new Error(`${c.file('pseudo/labels_clean.txt')}: ${clean.length} labels for ${unlabelled.n} unlabelled rows`);
  const rows = [...clean.keys()].filter((i) => clean[i] >= 0);
  const { ids: labels, count } = denseLabels(Int32Array.from(rows, (r) => clean[r]));
  return { samples: { x: gatherRows(unlabelled, rows).x, n: rows.length, sampleShape: unlabelled.sampleShape, labels }, numClasses: count };
}

/** Trains again from the seeded init on labelled + pseudo-labelled rows, two heads over one backbone. */
export async function retrainStage(c: SemiContext): Promise<void> {
  const { train: tr, val, numClasses } = await c.labelledTrainVal();
  const extraHead = await pseudoSamples(c);
  if (extraHead.numClasses < 2) {
    const hint = c.o.scorer === 'naan'
      ? `NAAN's scores stayed below the propagation threshold --th ${c.o.predict.th}: train NAAN longer (--naan-epochs, --naan-max-steps), lower --th, or use --scorer cosine`
      : 'lower --max-size or check the embeddings';
    throw new Error(`pseudo-labels: ${extraHead.numClasses} cluster(s) of 2 or more images, nothing to retrain on (${c.file('pseudo/report.json')}); ${hint}`);
  }
  const epochs = c.o.retrainEpochs ?? sameStepsEpochs(c, tr.n, extraHead.samples.n);
  const r = await train({ runDir: c.file('retrain'), config: { ...c.o.train, epochs }, train: tr, val, numClasses, extraHead, resume: resuming(c, 'retrain'), onProgress: trainingProgress() });
  stopIfInterrupted(c, 'retrain', r.interrupted);
}

/**
 * Epochs that give the retraining as many steps as the supervised model took, so that before and
 * after compare at the same compute and any gain comes from the pseudo-labelled data, not more steps.
 */
function sameStepsEpochs(c: SemiContext, labelledRows: number, pseudoRows: number): number {
  c.input('supervised/checkpoint.json', 'supervised');
  const supervisedSteps = loadCheckpoint(c.file('supervised')).globalStep;
  const B = c.o.train.batchSize;
  const perEpoch = Math.max(Math.ceil(labelledRows / (B - Math.floor(B / 2))), Math.ceil(pseudoRows / Math.floor(B / 2)));
  return Math.max(1, Math.round(supervisedSteps / perEpoch));
}

export interface Evaluation {
  testClasses: number;
  testImages: number;
  before: Record<string, number>;
  after: Record<string, number>;
  /** after − before, Recall@1 in points */
  gain: number;
}

/** Recall@K and MAP@R on the held-out test classes, for the supervised model and the retrained one. */
export async function evaluateStage(c: SemiContext): Promise<void> {
  const { test } = await c.samples();
  const split = c.json<SemiSplit>('split.json', 'split');
  const scores = async (runDir: string, stage: string): Promise<Record<string, number>> => {
    c.input(`${runDir}/checkpoint.json`, stage);
    const { model, epoch, steps } = loadTrainedModel(c.file(runDir), test.sampleShape, 'best');
    const bar = progress(`embed test (${stage})`, test.n, 'images');
    const r = await recallAtK(model, test, c.o.evalKs, { rPrecision: true, onProgress: (done) => bar.update(done) });
    bar.stop();
    return { epoch, steps, ...r };
  };
  const before = await scores('supervised', 'supervised');
  const after = await scores('retrain', 'retrain');
  c.run.writeJson('evaluation.json', { testClasses: split.testClasses, testImages: test.n, before, after, gain: after['recall@1'] - before['recall@1'] } satisfies Evaluation);
}
