import { heldOutScores, type HeldOutScores } from '../eval/held-out-scores.js';

/** One setting of a candidate's grid: its parameters by name (threshold, maxSize, step, …). */
export type LabellerSetting = Record<string, number | boolean>;

/** A pseudo-labeller with the settings to try: a clustering method on one kind of edge score. */
export interface LabellerCandidate {
  /** e.g. "cosine + chinese-whispers" */
  name: string;
  settings: LabellerSetting[];
  /** one label per node of the selection graph (−1: left out) */
  run(setting: LabellerSetting): Int32Array;
}

export interface LabellerTrial {
  setting: LabellerSetting;
  bcubedF: number;
  pairwiseF: number;
  /** false: the labels are of no use (e.g. nothing to retrain on), so the setting cannot be chosen */
  usable: boolean;
}

export interface CandidateResult {
  name: string;
  /** the setting with the best held-out BCubed F, and its scores */
  best: LabellerSetting;
  heldOut: HeldOutScores;
  trials: LabellerTrial[];
  /** the best setting's labels on the selection graph */
  labels: Int32Array;
  seconds: number;
}

export interface LabellerSelection {
  /** every candidate with a usable setting, in the order given */
  candidates: CandidateResult[];
  /** the candidate with the best held-out BCubed F (the first of equals) */
  winner: CandidateResult;
}

/**
 * Tunes every candidate on the held-out classes and picks the best: each setting clusters the
 * selection graph (pool, then held-out items), is judged on the held-out items (`heldOutScores`), and
 * the best by BCubed F wins — within a candidate (its setting) and across them (the labeller); a
 * setting whose labels are not `usable` is scored but never chosen. The
 * held-out classes must be unseen by the embedder and by any learned scorer, so that their graph
 * looks like the pool's.
 */
export function selectLabeller(candidates: LabellerCandidate[], heldOutLabels: ArrayLike<number>, o: { usable?: (labels: Int32Array) => boolean; onTrial?: () => void } = {}): LabellerSelection {
  if (candidates.length === 0) throw new Error('pseudo-labeller selection: no candidate to choose from');
  const results = candidates.flatMap((c): CandidateResult[] => {
    if (c.settings.length === 0) throw new Error(`pseudo-labeller selection: candidate "${c.name}" has no setting to try`);
    const t0 = Date.now();
    let best: { setting: LabellerSetting; scores: HeldOutScores; labels: Int32Array } | undefined;
    const trials = c.settings.map((setting) => {
      const labels = c.run(setting);
      const scores = heldOutScores(labels, heldOutLabels);
      const usable = o.usable?.(labels) ?? true;
      if (usable && (!best || better(scores.bcubed.fscore, best.scores.bcubed.fscore))) best = { setting, scores, labels };
      o.onTrial?.();
      return { setting, bcubedF: scores.bcubed.fscore, pairwiseF: scores.pairwise.fscore, usable };
    });
    return best ? [{ name: c.name, best: best.setting, heldOut: best.scores, trials, labels: best.labels, seconds: (Date.now() - t0) / 1000 }] : [];
  });
  if (results.length === 0) throw new Error(`pseudo-labeller selection: no setting of any candidate (${candidates.map((c) => c.name).join(', ')}) gave usable labels`);
  const winner = results.reduce((a, b) => (better(b.heldOut.bcubed.fscore, a.heldOut.bcubed.fscore) ? b : a));
  return { candidates: results, winner };
}

/** strictly higher; NaN never wins */
function better(f: number, than: number): boolean {
  return f > than || (Number.isNaN(than) && !Number.isNaN(f));
}
