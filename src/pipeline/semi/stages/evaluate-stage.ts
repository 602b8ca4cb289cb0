import { recallAtK } from '../../../train/evaluate-recall.js';
import { loadTrainedModel } from '../../../train/trained-model.js';
import { progress } from '../../../report/progress.js';
import { type SemiSplit } from '../data.js';
import { SemiContext } from './context.js';

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
