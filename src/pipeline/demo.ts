import { synthFaces, knnPrecision } from '../data/synth/synth-faces.js';
import { writeFeatures, writeKnnLearnToCluster, writeLabels } from '../data/files/index.js';
import { exactKnn } from '../knn/exact.js';
import { knnEdges, thresholdComponents } from '../cluster/knn-edges.js';
import { propagate } from '../cluster/propagation.js';
import { clusteringMetrics, type ClusteringMetrics } from '../eval/clustering.js';
import { removeSingletons } from '../eval/unassigned.js';
import { RunFolder, environment } from './run-folder.js';
import { renderReport, type Block } from './report/html.js';
import { barChart, lineChart, sizeHistogram } from './report/plots.js';
import { writeFileAtomic } from '../data/files/index.js';

export interface DemoOptions {
  out: string;
  ids: number;
  images: number;
  dim: number;
  k: number;
  seed: number;
  onStage?: (stage: string) => void;
}

export interface DemoSummary {
  report: string;
  pseudoLabels: string;
  kept: ClusteringMetrics;
  all: ClusteringMetrics;
  numClusters: number;
}

/**
 * The clustering half of the semi-supervised loop on data any machine can make offline: synthetic
 * face features with hidden identities → exact kNN → edges scored by cosine → CDP propagation →
 * pseudo-labels, judged against the hidden identities, with a report.
 */
export async function runDemo(o: DemoOptions): Promise<DemoSummary> {
  const run = new RunFolder(o.out, { command: 'demo', ...o, onStage: undefined });
  const say = o.onStage ?? (() => {});
  say('synthetic faces');
  const data = await run.stage('data', () => synthFaces({ ids: o.ids, images: o.images, dim: o.dim, seed: o.seed }));
  writeFeatures(run.path('features.bin'), data.features);
  writeLabels(run.path('labels.meta'), data.labels);
  say('kNN graph');
  const knn = await run.stage('knn', () => exactKnn(data.features, o.k));
  writeKnnLearnToCluster(run.path(`faiss_k_${o.k}.npz`), knn);
  const precision = knnPrecision(data.features, data.labels, [1, 5, o.k - 1], 1000, o.seed);
  say('propagation');
  const edges = knnEdges(knn);
  const prop = await run.stage('propagation', () => propagate(data.labels.length, edges.edges, edges.scores, { maxSize: 600, step: 0.05, maxIter: 100 }));
  writeLabels(run.path('pseudo_labels.txt'), prop.labels);
  const clean = removeSingletons(prop.labels).cleanLabels;
  writeLabels(run.path('pseudo_labels_clean.txt'), clean);
  say('evaluation');
  const all = clusteringMetrics(data.labels, prop.labels);
  const kept = clusteringMetrics(data.labels, prop.labels, { removeSingletons: true });
  run.metric({ stage: 'evaluation', all, singletonsRemoved: kept });
  // the baseline CDP is compared with: connected components at a fixed cosine threshold
  const sweep = await run.stage('threshold sweep', () =>
    Array.from({ length: 17 }, (_, i) => 0.2 + 0.025 * i).map((th) => ({ th, m: clusteringMetrics(data.labels, thresholdComponents(data.labels.length, edges, th)) })),
  );
  const sizes = clusterSizes(prop.labels);
  const reportPath = run.path('report.html');
  const blocks: Block[] = [
    { kind: 'notice', tone: 'info', text: 'Edges are scored by cosine similarity: the NAAN link scorer and the retraining stages of the semi-supervised loop are not part of this demo yet.' },
  ];
  writeFileAtomic(reportPath, renderReport({
    title: 'facet demo: pseudo-labels for unlabelled faces',
    subtitle: `${o.images} synthetic face features of ${o.ids} hidden identities (dim ${o.dim}), kNN k=${o.k}, CDP propagation`,
    sections: [
      { heading: 'Headline', blocks: [
        ...blocks,
        { kind: 'table', caption: 'Pseudo-label quality against the hidden identities', columns: ['protocol', 'items', 'clusters', 'pairwise F', 'BCubed P', 'BCubed R', 'BCubed F', 'NMI'], rows: [
          ['all items (singletons kept)', all.numItems, all.numPredClusters, all.pairwise.fscore, all.bcubed.precision, all.bcubed.recall, all.bcubed.fscore, all.nmi],
          [`singletons removed (discard ${(100 * kept.discardRatio).toFixed(1)}%)`, kept.numItems, kept.numPredClusters, kept.pairwise.fscore, kept.bcubed.precision, kept.bcubed.recall, kept.bcubed.fscore, kept.nmi],
        ] },
      ] },
      { heading: 'Clusters', blocks: [
        { kind: 'plot', svg: await sizeHistogram('Predicted cluster sizes', sizes) },
        { kind: 'plot', svg: await sizeHistogram('True identity sizes', data.sizes, 'identities') },
        { kind: 'keyValue', rows: [['clusters', prop.numClusters], ['singletons', sizes.filter((s) => s === 1).length], ['largest', Math.max(...sizes)], ['propagation rounds', prop.iterations], ['final threshold', prop.finalThreshold ?? 'none']] },
      ] },
      { heading: 'Precision and recall against the threshold', blocks: [
        { kind: 'plot', svg: await lineChart({ title: 'Cosine-threshold components (baseline)', xLabel: 'cosine threshold', yLabel: 'score', series: [
          { name: 'pairwise precision', x: sweep.map((s) => s.th), y: sweep.map((s) => s.m.pairwise.precision) },
          { name: 'pairwise recall', x: sweep.map((s) => s.th), y: sweep.map((s) => s.m.pairwise.recall) },
          { name: 'BCubed F', x: sweep.map((s) => s.th), y: sweep.map((s) => s.m.bcubed.fscore) },
        ] }) },
        { kind: 'plot', svg: await lineChart({ title: 'Propagation: nodes still unresolved per round', xLabel: 'round', yLabel: 'nodes remaining', series: [{ name: 'remaining', x: prop.trace.map((_, i) => i), y: prop.trace.map((t) => t.num_remain) }] }) },
      ] },
      { heading: 'kNN graph', blocks: [
        { kind: 'table', caption: 'Share of neighbours with the same identity', columns: Object.keys(precision), rows: [Object.values(precision)] },
      ] },
      { heading: 'Timings', blocks: [
        { kind: 'plot', svg: await barChart({ title: 'Seconds per stage', xLabel: 'stage', yLabel: 'seconds', bars: run.timings.map((t) => ({ label: t.stage, value: t.seconds })) }) },
      ] },
      { heading: 'Run', blocks: [
        { kind: 'keyValue', rows: Object.entries({ ...o, onStage: undefined }).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]) },
        { kind: 'keyValue', rows: Object.entries(environment()).map(([k, v]) => [k, v]) },
      ] },
    ],
  }));
  run.writeJson('summary.json', { all, singletonsRemoved: kept, knnPrecision: precision, timings: run.timings });
  return { report: reportPath, pseudoLabels: run.path('pseudo_labels.txt'), kept, all, numClusters: prop.numClusters };
}

function clusterSizes(labels: Int32Array): number[] {
  const sizes: number[] = [];
  for (const l of labels) if (l >= 0) sizes[l] = (sizes[l] ?? 0) + 1;
  return sizes;
}
