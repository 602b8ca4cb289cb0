import { join } from 'node:path';
import { writeNpy, type KnnGraph, type Matrix } from '../data/files/index.js';
import type { EdgeScorer } from './edge-scorer.js';
import type { ScoredEdges } from './knn-edges.js';
import { propagate, type PropagationOptions, type PropagationResult } from './propagation.js';
import { pseudoLabelReport, writePseudoLabels, type PseudoLabelReport } from './labelling-files.js';

export interface Labelling {
  scorer: string;
  /** the scored unique edges (E×2 node ids, E scores) */
  scored: ScoredEdges;
  /** the propagation settings used: the scorer's preset with the caller's overrides */
  options: PropagationOptions;
  propagation: PropagationResult;
  report: PseudoLabelReport;
  seconds: { score: number; propagation: number };
}

/**
 * Pseudo-labels of an unlabelled split, the one path of `facet cluster predict` and the loop: the
 * scorer's edges, propagated with its preset (any field overridden), and their report (metrics when
 * the truth is given).
 */
export function labelByPropagation(features: Matrix, knn: KnnGraph, scorer: EdgeScorer, o: { propagation?: Partial<PropagationOptions>; truth?: ArrayLike<number> } = {}): Labelling {
  const t0 = Date.now();
  const scored = scorer.score(features, knn);
  const t1 = Date.now();
  const options = { ...scorer.propagation, ...o.propagation };
  const propagation = propagate(features.rows, scored.edges, scored.scores, options);
  const t2 = Date.now();
  return { scorer: scorer.name, scored, options, propagation, report: pseudoLabelReport(propagation.labels, o.truth), seconds: { score: (t1 - t0) / 1000, propagation: (t2 - t1) / 1000 } };
}

/**
 * Writes a labelling into outDir: labels.txt, labels_clean.txt (singletons and −1 → −1), report.json
 * (the caller's settings, the propagation's, then the report), edges.npy and scores.npy.
 */
export function writeLabelling(outDir: string, l: Labelling, settings: Record<string, unknown> = {}): void {
  writePseudoLabels(outDir, l.propagation.labels, l.report, { scorer: l.scorer, ...settings, ...labellingSettings(l) });
  const E = l.scored.scores.length;
  writeNpy(join(outDir, 'edges.npy'), { dtype: 'int32', shape: [E, 2], data: l.scored.edges });
  writeNpy(join(outDir, 'scores.npy'), { dtype: 'float32', shape: [E], data: l.scored.scores });
}

/** What report.json (and a report's settings table) says of a labelling's edges and propagation. */
export function labellingSettings(l: Labelling): Record<string, unknown> {
  const p = l.propagation;
  return { numEdges: l.scored.scores.length, propagation: l.options, iterations: p.iterations, forcedStop: p.forcedStop, finalThreshold: p.finalThreshold };
}
