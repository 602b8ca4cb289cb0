import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunFolder } from '../../report/run-folder.js';
import { SEMI_STAGES, type SemiOptions, type SemiStage } from './options.js';
import { writeSemiReport, type SemiSummary } from './report.js';
import { SemiContext } from './stages/context.js';
import { splitStage } from './stages/split-stage.js';
import { supervisedStage } from './stages/supervised-stage.js';
import { embedStage } from './stages/embed-stage.js';
import { knnStage } from './stages/knn-stage.js';
import { naanStage } from './stages/naan-stage.js';
import { pseudoLabelStage } from './stages/pseudo-labels-stage.js';
import { retrainStage } from './stages/retrain-stage.js';
import { evaluateStage } from './stages/evaluate-stage.js';

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
  if (o.from !== undefined && !SEMI_STAGES.includes(o.from)) throw new Error(`--from: one of ${SEMI_STAGES.join(', ')}, got "${o.from}"`);
  const finished = finishedStages(o.out);
  const from = o.from ?? (o.resume ? SEMI_STAGES.find((s) => !finished.includes(s)) ?? 'report' : 'split');
  const run = new RunFolder(o.out, o.runConfig ?? { command: 'semi', ...o, from });
  const c = new SemiContext({ ...o, from }, run);
  // stages from `from` on are redone, so they are no longer finished
  const done = finished.filter((s) => SEMI_STAGES.indexOf(s) < SEMI_STAGES.indexOf(from));
  const record = (stage: SemiStage) => { done.push(stage); run.writeJson(STAGES_FILE, { finished: done }); };
  for (const stage of SEMI_STAGES.slice(SEMI_STAGES.indexOf(from), -1) as Exclude<SemiStage, 'report'>[]) {
    onStage?.(stage);
    await run.stage(stage, () => RUNNERS[stage](c));
    record(stage);
  }
  onStage?.('report');
  const summary = await run.stage('report', () => writeSemiReport(c, title));
  record('report');
  return summary;
}

/** The loop's progress in its run folder: the stages finished, in order, so that --resume picks the first unfinished one. */
const STAGES_FILE = 'stages.json';

function finishedStages(out: string): SemiStage[] {
  const p = join(out, STAGES_FILE);
  if (!existsSync(p)) return [];
  let v: { finished?: unknown };
  try {
    v = JSON.parse(readFileSync(p, 'utf8')) as { finished?: unknown };
  } catch (err) {
    throw new Error(`${p}: not JSON (${(err as Error).message}); remove it, or start again with --overwrite`);
  }
  if (!Array.isArray(v?.finished)) throw new Error(`${p}: no list "finished" (the loop's progress); remove it, or start again with --overwrite`);
  return v.finished.filter((s): s is SemiStage => (SEMI_STAGES as readonly string[]).includes(s));
}
