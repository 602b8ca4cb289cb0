import { RunFolder } from '../run-folder.js';
import { SEMI_STAGES, type SemiOptions, type SemiStage } from './options.js';
import { writeSemiReport, type SemiSummary } from './report.js';
import { embedStage, evaluateStage, knnStage, naanStage, pseudoLabelStage, retrainStage, SemiContext, splitStage, supervisedStage } from './stages.js';

const RUNNERS: Record<Exclude<SemiStage, 'report'>, (c: SemiContext) => Promise<void>> = {
  split: splitStage, supervised: supervisedStage, embed: embedStage, knn: knnStage, naan: naanStage,
  'pseudo-labels': pseudoLabelStage, retrain: retrainStage, evaluate: evaluateStage,
};

/**
 * The semi-supervised loop: train on the labelled classes → embed the unlabelled pool → kNN →
 * NAAN → pseudo-labels → retrain with two heads → evaluate before/after → report.html. Every stage
 * reads its inputs from the run folder, so `from` re-enters at any stage (a user may swap in their
 * own embeddings, kNN or pseudo-labels there).
 */
export async function runSemi(o: SemiOptions, title = 'facet semi: semi-supervised training with pseudo-labels', onStage?: (stage: SemiStage) => void): Promise<SemiSummary> {
  if (!SEMI_STAGES.includes(o.from)) throw new Error(`--from: one of ${SEMI_STAGES.join(', ')}, got "${o.from}"`);
  const run = new RunFolder(o.out, { command: 'semi', ...o });
  const c = new SemiContext(o, run);
  for (const stage of SEMI_STAGES.slice(SEMI_STAGES.indexOf(o.from), -1) as Exclude<SemiStage, 'report'>[]) {
    onStage?.(stage);
    await run.stage(stage, () => RUNNERS[stage](c));
  }
  onStage?.('report');
  return run.stage('report', () => writeSemiReport(c, title));
}
