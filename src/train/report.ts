import { join } from 'node:path';
import { writeFileAtomic } from '../data/files/index.js';
import { renderReport, type Block } from '../report/html.js';
import { barChart } from '../report/plots.js';
import { jsonLines, trainingCurves } from '../report/training-curves.js';
import { environment } from '../report/run-folder.js';
import type { TrainConfig } from './config.js';

type Scores = Record<string, number> | undefined;

/** A `facet train` run's report.html: curves, test Recall@K of the last and the validation-selected epoch, config. */
export async function writeTrainReport(runDir: string, o: { dataset: string; config: TrainConfig; last: Scores; best?: { epoch: number; test: Scores }; selectBy?: 'val' | 'verify' }): Promise<string> {
  const metrics = jsonLines(join(runDir, 'metrics.jsonl'));
  const epochs = metrics.filter((r) => r.kind === 'epoch');
  const ks = Object.keys(o.last ?? {});
  const tests: Block[] = o.last ? [{ kind: 'table', caption: 'Test set (held-out classes)', columns: ['model', ...ks], rows: [
    [`last epoch (${epochs.length})`, ...ks.map((k) => o.last![k])],
    ...(o.best?.test ? [[`${o.selectBy === 'verify' ? 'verification' : 'validation'}-selected epoch (${o.best.epoch})`, ...ks.map((k) => o.best!.test![k])]] : []),
  ] }] : [{ kind: 'notice', tone: 'info', text: 'No test split was evaluated (interrupted, or the dataset has none).' }];
  const html = renderReport({
    title: `facet train: ${o.config.loss} on ${o.dataset}`,
    subtitle: `${o.config.model}, embedding ${o.config.embeddingDim}, ${epochs.length} of ${o.config.epochs} epochs`,
    sections: [
      { heading: 'Results', blocks: tests },
      { heading: 'Training curves', blocks: await trainingCurves('training', metrics, o.selectBy) },
      { heading: 'Timings', blocks: [{ kind: 'plot', svg: await barChart({ title: 'Seconds per epoch', xLabel: 'epoch', yLabel: 'seconds', bars: epochs.map((r) => ({ label: String(r.epoch), value: r.seconds as number })) }) }] },
      { heading: 'Run', blocks: [
        { kind: 'keyValue', rows: Object.entries(o.config).filter(([, v]) => v !== undefined).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]) },
        { kind: 'keyValue', rows: Object.entries(environment()).map(([k, v]) => [k, v]) },
      ] },
    ],
  });
  const path = join(runDir, 'report.html');
  writeFileAtomic(path, html);
  return path;
}
