import { join } from 'node:path';
import { writeFileAtomic } from '../data/files/index.js';
import { renderReport, type Block } from '../report/html.js';
import { lineChart, sizeHistogram } from '../report/plots.js';
import { environment } from '../report/run-folder.js';
import type { ClusteringMetrics } from '../eval/clustering-metrics.js';
import type { PseudoLabelReport } from './labelling-files.js';

export interface ClusterRun {
  /** 'naan' or a baseline method */
  method: string;
  report: PseudoLabelReport;
  /** ground truth, when given */
  truth?: ArrayLike<number>;
  /** NAAN's scored edges (E×2 node ids, E scores) */
  scored?: { edges: Int32Array; scores: Float32Array };
  /** options and results worth seeing beside the numbers (thresholds, files, iterations) */
  settings: Record<string, unknown>;
  /** seconds per phase */
  timings: Record<string, number>;
  /** a baseline's threshold tuning on a labelled split: [threshold, BCubed F] */
  sweep?: [number, number][];
}

const BINS = 20;

/**
 * Edge scores in 20 bins over [0, 1]: all edges, or with ground truth same- and different-identity
 * edges apart — where they overlap is where propagation has to choose.
 */
function scoreDistribution(scored: NonNullable<ClusterRun['scored']>, truth?: ArrayLike<number>): Promise<string> {
  const same = new Array<number>(BINS).fill(0), other = new Array<number>(BINS).fill(0);
  for (let e = 0; e < scored.scores.length; e++) {
    const bin = Math.min(BINS - 1, Math.max(0, Math.floor(scored.scores[e] * BINS)));
    if (truth && truth[scored.edges[2 * e]] !== truth[scored.edges[2 * e + 1]]) other[bin]++;
    else same[bin]++;
  }
  const x = Array.from({ length: BINS }, (_, b) => (b + 0.5) / BINS);
  const series = truth
    ? [{ name: 'same identity', x, y: same }, { name: 'different identities', x, y: other }]
    : [{ name: 'edges', x, y: same }];
  return lineChart({ title: 'Edge scores', xLabel: 'score (bin centre)', yLabel: 'edges', series });
}

function metricRows(m: { all: ClusteringMetrics; singletonsRemoved: ClusteringMetrics }): (string | number)[][] {
  return ([['every node', m.all], ['singletons removed (NAAN protocol)', m.singletonsRemoved]] as const).map(([name, x]) => [
    name, x.numItems, x.discardRatio, x.pairwise.precision, x.pairwise.recall, x.pairwise.fscore, x.bcubed.precision, x.bcubed.recall, x.bcubed.fscore, x.nmi,
  ]);
}

/** `report.html` of a `facet cluster predict` / `baseline` run: numbers, size and score plots, settings. */
export async function writeClusterReport(outDir: string, run: ClusterRun): Promise<void> {
  const { report: r, truth } = run;
  const clusterSizes = r.sizeHistogram.flatMap(([size, count]) => new Array<number>(count).fill(size));
  const trueSizes = new Map<number, number>();
  if (truth) for (let i = 0; i < truth.length; i++) trueSizes.set(truth[i], (trueSizes.get(truth[i]) ?? 0) + 1);
  const headline: Block[] = [
    { kind: 'notice', tone: 'info', text: `${r.numNodes} nodes → ${r.numClusters} clusters (${r.numSingletons} singletons, ${r.numDiscarded} nodes in no edge); ${(100 * r.singletonDiscardRatio).toFixed(1)}% discarded with the singletons.` },
  ];
  if (r.metrics) {
    headline.push({ kind: 'table', caption: 'Against the ground truth', columns: ['protocol', 'nodes', 'discarded', 'pairwise P', 'pairwise R', 'pairwise F', 'BCubed P', 'BCubed R', 'BCubed F', 'NMI'], rows: metricRows(r.metrics) });
  }
  const plots: Block[] = [{ kind: 'plot', svg: await sizeHistogram('Cluster sizes', clusterSizes) }];
  if (truth) plots.push({ kind: 'plot', svg: await sizeHistogram('True class sizes', [...trueSizes.values()], 'classes') });
  if (run.scored) plots.push({ kind: 'plot', svg: await scoreDistribution(run.scored, truth) });
  if (run.sweep) {
    const [x, y] = [run.sweep.map((p) => p[0]), run.sweep.map((p) => p[1])];
    plots.push({ kind: 'plot', svg: await lineChart({ title: 'Threshold tuning on the labelled split', xLabel: 'cosine threshold', yLabel: 'BCubed F', series: [{ name: 'BCubed F', x, y }] }) });
  }
  const show = (v: unknown) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));
  const html = renderReport({
    title: `facet cluster: ${run.method}`,
    subtitle: `${r.numNodes} nodes${truth ? ', with ground truth' : ''}`,
    sections: [
      { heading: 'Headline', blocks: headline },
      { heading: 'Clusters', blocks: plots },
      { heading: 'Run', blocks: [
        { kind: 'keyValue', rows: Object.entries(run.settings).filter(([, v]) => v !== undefined).map(([k, v]) => [k, show(v)]) },
        { kind: 'table', columns: ['phase', 'seconds'], rows: Object.entries(run.timings) },
        { kind: 'keyValue', rows: Object.entries(environment()) },
      ] },
    ],
  });
  writeFileAtomic(join(outDir, 'report.html'), html);
}
