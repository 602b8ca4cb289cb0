import { existsSync, readFileSync } from 'node:fs';
import type { Block } from './html.js';
import { lineChart } from './plots.js';

type Row = Record<string, unknown>;

/** The records of a .jsonl file (none when it does not exist). */
export function jsonLines(path: string): Row[] {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Row) : [];
}

/**
 * Every validation of a run in step order: the mid-epoch `val` rows (--val-every) and the epoch rows,
 * which carry the validation of each epoch's end.
 */
export function validationPoints(metrics: Row[]): { step: number; val: Record<string, number> }[] {
  return metrics.filter((r) => (r.kind === 'val' || r.kind === 'epoch') && r.val && typeof r.step === 'number').map((r) => ({ step: r.step as number, val: r.val as Record<string, number> }));
}

/**
 * Runs validated on one split (the semi loop's supervised and retrained models): their validation
 * MAP@R against the training step in one chart, then each run's own curves.
 */
export async function comparedTrainingCurves(title: string, runs: { name: string; metrics: Row[] }[]): Promise<Block[]> {
  const series = runs.map(({ name, metrics }) => {
    const points = validationPoints(metrics);
    return { name, x: points.map((p) => p.step), y: points.map((p) => p.val.mapAtR) };
  }).filter((s) => s.x.length > 0);
  const own = await Promise.all(runs.map(({ name, metrics }) => trainingCurves(name, metrics)));
  return [...(series.length ? [{ kind: 'plot' as const, svg: await lineChart({ title, xLabel: 'step', yLabel: 'MAP@R (percent)', series }) }] : []), ...own.flat()];
}

/** Loss and learning rate per epoch, validation Recall@1 / MAP@R per validation step, and .bin verification accuracy per epoch, from a trainer's metrics.jsonl records. */
export async function trainingCurves(title: string, metrics: Row[], selectBy: 'val' | 'verify' = 'val'): Promise<Block[]> {
  const epochs = metrics.filter((r) => r.kind === 'epoch');
  if (epochs.length === 0) return [];
  const x = epochs.map((r) => r.epoch as number);
  const val = validationPoints(metrics);
  const verified = epochs.filter((r) => r.verify);
  const setNames = [...new Set(verified.flatMap((r) => Object.keys(r.verify as object)))];
  return [
    { kind: 'plot', svg: await lineChart({ title: `${title}: training loss`, xLabel: 'epoch', yLabel: 'loss', series: [{ name: 'loss', x, y: epochs.map((r) => r.loss as number) }] }) },
    { kind: 'plot', svg: await lineChart({ title: `${title}: learning rate`, xLabel: 'epoch', yLabel: 'lr', series: [{ name: 'lr', x, y: epochs.map((r) => r.lr as number) }] }) },
    ...(val.length ? [{ kind: 'plot' as const, svg: await lineChart({ title: `${title}: validation (held-out labelled classes)`, xLabel: 'step', yLabel: 'percent', series: ['recall@1', 'mapAtR'].map((k) => (
      { name: k === 'mapAtR' ? (selectBy === 'val' ? 'MAP@R (at epoch ends: selects the epoch)' : 'MAP@R') : 'Recall@1', x: val.map((p) => p.step), y: val.map((p) => p.val[k]) })) }) }] : []),
    ...(setNames.length ? [{ kind: 'plot' as const, svg: await lineChart({ title: `${title}: verification (insightface .bin, Accuracy-Flip${selectBy === 'verify' ? '; the mean selects the epoch' : ''})`, xLabel: 'epoch', yLabel: 'percent', series: setNames.map((name) => {
      const rows = verified.filter((r) => (r.verify as Record<string, unknown>)[name]);
      return { name, x: rows.map((r) => r.epoch as number), y: rows.map((r) => 100 * (r.verify as Record<string, { accuracy: number }>)[name].accuracy) };
    }) }) }] : []),
  ];
}
