import { existsSync } from 'node:fs';
import { readLabels } from '../../data/files/index.js';
import { Random } from '../../data/random.js';
import type { PseudoLabelReport } from '../../cluster/labelling-files.js';
import { renderReport, type Block } from '../../report/html.js';
import { barChart, lineChart, sizeHistogram } from '../../report/plots.js';
import { thumbnail } from '../../report/thumbnail.js';
import { comparedTrainingCurves, jsonLines } from '../../report/training-curves.js';
import { environment } from '../../report/run-folder.js';
import type { SemiSplit } from './data.js';
import type { SemiOptions } from './options.js';
import type { SemiContext } from './stages/context.js';
import type { Evaluation } from './stages/evaluate-stage.js';
import { USED, type PseudoAnalysis, type PseudoSelection } from './stages/pseudo-labels-stage.js';

/** The loop's headline numbers, as printed at the end and shown at the top of the report. */
export interface SemiSummary {
  report: string;
  before: number;
  after: number;
  gain: number;
  /** MAP@R before and after: Recall@1 saturates on easy sets, MAP@R still moves */
  mapAtRBefore: number;
  mapAtRAfter: number;
  /** the pseudo-labels against the pool's hidden classes, every image counted (−1 and singletons as their own clusters) */
  pseudoBcubedF: number;
  pseudoPairwiseF: number;
  /** share of the pool left without a pseudo-label (−1 or a singleton) */
  pseudoDiscardRatio: number;
  pseudoClusters: number;
  /** the pseudo-labeller used (with --scorer auto, the winner on the held-out classes) */
  pseudoLabeller: string;
}

export function headline(c: SemiContext): SemiSummary {
  const ev = c.json<Evaluation>('evaluation.json', 'evaluate');
  const pl = c.json<PseudoLabelReport>('pseudo/report.json', 'pseudo-labels');
  const all = pl.metrics!.all;
  const methods = c.json<PseudoAnalysis>('pseudo/analysis.json', 'pseudo-labels').methods;
  const used = (methods.find((m) => m.method.endsWith(USED)) ?? methods[0]).method.replace(USED, '');
  return { report: c.file('report.html'), before: ev.before['recall@1'], after: ev.after['recall@1'], gain: ev.gain, mapAtRBefore: ev.before.mapAtR, mapAtRAfter: ev.after.mapAtR,
    pseudoBcubedF: all.bcubed.fscore, pseudoPairwiseF: all.pairwise.fscore, pseudoDiscardRatio: pl.singletonDiscardRatio, pseudoClusters: pl.numClusters - pl.numSingletons, pseudoLabeller: used };
}

/** Up to `count` pseudo-clusters (size ≥ 3, seeded pick) with up to 12 members each, as thumbnails. */
async function gallery(c: SemiContext, labels: Int32Array, truth: Int32Array): Promise<Block[]> {
  const { unlabelled } = await c.samples();
  if (unlabelled.sampleShape.length !== 3) return [];
  const [h, w, ch] = unlabelled.sampleShape;
  const members = new Map<number, number[]>();
  labels.forEach((l, i) => {
    if (l < 0) return;
    const m = members.get(l);
    if (m) m.push(i);
    else members.set(l, [i]);
  });
  const big = [...members.entries()].filter(([, m]) => m.length >= 3);
  const picked = new Random(c.o.seed).shuffle(Int32Array.from(big.keys())).slice(0, 8);
  const per = h * w * ch;
  const groups = [];
  for (const g of picked) {
    const [label, rows] = big[g];
    const counts = new Map<number, number>();
    for (const r of rows) counts.set(truth[r], (counts.get(truth[r]) ?? 0) + 1);
    const purity = Math.max(...counts.values()) / rows.length;
    const images = [];
    for (const r of rows.slice(0, 12)) images.push({ src: await thumbnail(unlabelled.x.subarray(r * per, (r + 1) * per), h, w, ch), label: `row ${r}, true class ${truth[r]}` });
    groups.push({ title: `pseudo-class ${label}: ${rows.length} images, ${(100 * purity).toFixed(0)}% from one true class`, images });
  }
  return [{ kind: 'gallery', caption: 'Sample pseudo-clusters of the unlabelled pool (hover for the hidden true class)', groups }];
}

/** `--scorer auto`'s race (when the run made one): which candidate won, every candidate's chosen setting and scores, and the tuning curves. */
async function selectionBlocks(c: SemiContext): Promise<Block[]> {
  if (!existsSync(c.file('pseudo/selection.json'))) return [];
  const sel = c.json<PseudoSelection>('pseudo/selection.json', 'pseudo-labels');
  const setting = (b: Record<string, unknown>) => Object.entries(b).map(([k, v]) => `${k} ${v}`).join(', ');
  const naan = existsSync(c.file('naan_train.json')) ? c.json<{ heldOutAuc?: { step: number; score: number }[]; plateaued?: boolean }>('naan_train.json', 'naan') : {};
  const aucCurve: Block[] = naan.heldOutAuc?.length ? [{ kind: 'plot', svg: await lineChart({ title: `NAAN's held-out edge AUC during its training (${naan.plateaued ? 'stopped at its plateau' : 'no plateau before the step cap'}; it ends on the best check)`, xLabel: 'NAAN step', yLabel: 'held-out edge AUC',
    series: [{ name: 'NAAN', x: naan.heldOutAuc.map((p) => p.step), y: naan.heldOutAuc.map((p) => p.score) }] }) }] : [];
  const curves = sel.candidates.filter((k) => k.trials.every((t) => Object.keys(t.setting).length === 1 && 'threshold' in t.setting));
  return [
    { kind: 'notice', tone: 'info', text: `--scorer auto: ${sel.candidates.length} candidates tuned and judged on ${sel.heldOut.classes} held-out labelled classes (${sel.heldOut.images} images) that neither the embedder nor NAAN trained on, clustered together with the pool; ${sel.winner} had the best held-out BCubed F and labelled the pool.` },
    { kind: 'table', caption: 'Candidates: the setting chosen on the held-out classes, its held-out scores, and (judging only) its scores on the pool\'s hidden classes', columns: ['candidate', 'chosen setting', 'settings tried', 'held-out BCubed F', 'held-out pairwise F', 'pool BCubed F', 'pool pairwise F', 'seconds'],
      rows: sel.candidates.map((k) => [k.name === sel.winner ? `${k.name}${USED}` : k.name, setting(k.best), k.trials.length, k.heldOut.bcubed.fscore, k.heldOut.pairwise.fscore, k.pool.bcubedF, k.pool.pairwiseF, k.seconds]) },
    { kind: 'table', caption: 'Edge scores: AUC of same-class against different-class edges, on the edges the held-out classes judge and (hidden classes) on the pool\'s own edges', columns: ['scorer', 'edges', 'held-out edge AUC', 'pool edge AUC'],
      rows: sel.scorers.map((k) => [k.name, k.edges, k.heldOutAuc, k.poolAuc]) },
    { kind: 'plot', svg: await lineChart({ title: 'Held-out BCubed F against the edge threshold (each candidate\'s own score scale)', xLabel: 'threshold', yLabel: 'held-out BCubed F',
      series: curves.map((k) => ({ name: k.name, x: k.trials.map((t) => t.setting.threshold as number), y: k.trials.map((t) => t.bcubedF) })) }) },
    ...aucCurve,
  ];
}

export async function writeSemiReport(c: SemiContext, title: string): Promise<SemiSummary> {
  const o: SemiOptions = c.o;
  const s = headline(c);
  const ev = c.json<Evaluation>('evaluation.json', 'evaluate');
  const split = c.json<SemiSplit>('split.json', 'split');
  const pl = c.json<PseudoLabelReport>('pseudo/report.json', 'pseudo-labels');
  const an = c.json<PseudoAnalysis>('pseudo/analysis.json', 'pseudo-labels');
  const labels = readLabels(c.input('pseudo/labels.txt', 'pseudo-labels'));
  const truth = readLabels(c.input('embeddings/unlabelled_truth.txt', 'embed'));
  const sizes = new Map<number, number>();
  for (const l of labels) if (l >= 0) sizes.set(l, (sizes.get(l) ?? 0) + 1);
  const trueSizes = new Map<number, number>();
  for (const t of truth) trueSizes.set(t, (trueSizes.get(t) ?? 0) + 1);
  const timings = new Map<string, number>();
  for (const r of jsonLines(c.file('metrics.jsonl'))) if (typeof r.stage === 'string' && typeof r.seconds === 'number') timings.set(r.stage, r.seconds);
  const ks = Object.keys(ev.before).filter((k) => k.startsWith('recall@'));
  const gainText = `Recall@1 on ${ev.testClasses} held-out classes: ${s.before.toFixed(2)}% supervised only → ${s.after.toFixed(2)}% after pseudo-labelling (${s.gain >= 0 ? '+' : ''}${s.gain.toFixed(2)} points); MAP@R ${s.mapAtRBefore.toFixed(2)} → ${s.mapAtRAfter.toFixed(2)}.`;
  const html = renderReport({
    title,
    subtitle: `${o.dataset}: ${split.labelledClasses} labelled classes (${split.labelledRows.length} images), ${split.unlabelledClasses} unlabelled classes (${split.unlabelledRows.length} images), evaluation on ${split.testClasses} held-out classes (${split.testRows.length} images)`,
    sections: [
      { heading: 'Headline', blocks: [
        { kind: 'notice', tone: s.gain > 0 ? 'good' : 'bad', text: s.gain > 0 ? gainText : `${gainText} Pseudo-labelling did not help on this run.` },
        { kind: 'notice', tone: 'info', text: `Pseudo-labels by ${s.pseudoLabeller}${o.scorer === 'auto' ? ' (the best of the candidates on the held-out labelled classes)' : ''}: BCubed F ${s.pseudoBcubedF.toFixed(4)}, pairwise F ${s.pseudoPairwiseF.toFixed(4)} against the hidden classes, every image counted; ${s.pseudoClusters} clusters, ${(100 * s.pseudoDiscardRatio).toFixed(1)}% of the unlabelled images left without a pseudo-label.` },
        { kind: 'table', caption: 'Retrieval on held-out classes (leave-one-out, L2-normalised embeddings, validation-selected epoch)', columns: ['model', 'training steps', 'selected epoch', ...ks.map((k) => k.replace('recall@', 'Recall@')), 'MAP@R', 'R-precision'], rows: [
          ['supervised (labelled only)', ev.before.steps, ev.before.epoch, ...ks.map((k) => ev.before[k]), ev.before.mapAtR, ev.before.rPrecision],
          ['retrained (labelled + pseudo-labelled, two heads)', ev.after.steps, ev.after.epoch, ...ks.map((k) => ev.after[k]), ev.after.mapAtR, ev.after.rPrecision],
        ] },
      ] },
      { heading: 'Training curves', blocks: await comparedTrainingCurves('Validation MAP@R against the training step: supervised vs retrained (same held-out labelled classes)', [
        { name: 'supervised', metrics: jsonLines(c.file('supervised/metrics.jsonl')) },
        { name: 'retrained', metrics: jsonLines(c.file('retrain/metrics.jsonl')) },
      ]) },
      { heading: 'Pseudo-labels', blocks: [
        ...(await selectionBlocks(c)),
        { kind: 'table', caption: 'Clustering of the unlabelled pool against its hidden classes (every image counted, −1 and singletons as their own clusters; the hidden classes only judge)', columns: ['method', 'clusters of ≥ 2', 'pairwise P', 'pairwise R', 'pairwise F', 'BCubed P', 'BCubed R', 'BCubed F', 'NMI'],
          rows: an.methods.map((m) => [m.method, m.clusters, m.pairwiseP, m.pairwiseR, m.pairwiseF, m.bcubedP, m.bcubedR, m.bcubedF, m.nmi]) },
        ...(an.sweep.length === 0 ? [] : [{ kind: 'plot' as const, svg: await lineChart({ title: 'Precision and recall against the edge-score threshold (every image counted)', xLabel: 'threshold', yLabel: 'score', series: [
          { name: 'pairwise precision', x: an.sweep.map((p) => p.threshold), y: an.sweep.map((p) => p.pairwiseP) },
          { name: 'pairwise recall', x: an.sweep.map((p) => p.threshold), y: an.sweep.map((p) => p.pairwiseR) },
          { name: 'BCubed F', x: an.sweep.map((p) => p.threshold), y: an.sweep.map((p) => p.bcubedF) },
        ] }) }]),
        { kind: 'plot', svg: await sizeHistogram('Pseudo-cluster sizes', [...sizes.values()]) },
        { kind: 'plot', svg: await sizeHistogram('True class sizes (hidden)', [...trueSizes.values()], 'classes') },
        { kind: 'keyValue', rows: [['clusters', pl.numClusters], ['singletons', pl.numSingletons], ['images in no edge (−1)', pl.numDiscarded], ['discarded with singletons', pl.singletonDiscardRatio]] },
        ...(await gallery(c, labels, truth)),
      ] },
      { heading: 'Timings', blocks: [
        { kind: 'plot', svg: await barChart({ title: 'Seconds per stage', xLabel: 'stage', yLabel: 'seconds', bars: [...timings].map(([label, value]) => ({ label, value })) }) },
        { kind: 'table', columns: ['stage', 'seconds'], rows: [...timings].map(([k, v]) => [k, v]) },
      ] },
      { heading: 'Run', blocks: [
        { kind: 'keyValue', rows: Object.entries(o).filter(([k, v]) => v !== undefined && k !== 'train').map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]) },
        { kind: 'keyValue', rows: Object.entries(o.train).filter(([, v]) => v !== undefined).map(([k, v]) => [`train.${k}`, typeof v === 'object' ? JSON.stringify(v) : String(v)]) },
        { kind: 'keyValue', rows: Object.entries(environment()).map(([k, v]) => [k, v]) },
      ] },
    ],
  });
  c.run.writeText('report.html', html);
  c.run.writeJson('summary.json', s);
  return s;
}
