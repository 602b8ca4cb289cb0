import type { KnnGraph } from '../data/files/index.js';
import type { ScoredEdges } from './knn-edges.js';
import { propagate, type PropagationOptions } from './propagation.js';
import { graphClusterer } from './clusterers.js';
import { infomapOnKnn } from './infomap-knn.js';
import type { LabellerCandidate, LabellerSetting } from './labeller-selection.js';

/** A selection graph's edges under one scorer (cosine, NAAN), with the propagation preset its scores were made for. */
export interface ScoredGraph {
  name: string;
  edges: ScoredEdges;
  preset: Readonly<PropagationOptions>;
  /** the kNN graph whose similarities these scores are (cosine): Infomap also runs on its rows' own links, directed, as face-cluster-by-infomap */
  knn?: KnnGraph;
}

/** The graph methods raced against propagation, each on every scorer's edges. */
export const THRESHOLD_METHODS = ['chinese-whispers', 'infomap', 'threshold'] as const;

/**
 * Every pseudo-labeller the loop can pick, with grids taken from the data rather than from MS1M:
 * thresholds at quantiles of the scorer's own edge scores (cosine and NAAN scores are calibrated
 * differently), and propagation's largest cluster from the labelled classes' sizes.
 * - `<scorer> + propagation`: CDP/NAAN propagation over max_sz ∈ {m, 2m, 4m, preset} (m: the largest
 *   labelled class), start threshold at the 50/70/80/90/95 % score quantiles, step 0.1/0.3/0.6, with
 *   and without dropping the edges below the start threshold before the first pass;
 * - `<scorer> + <method>` for chinese-whispers, infomap and threshold components: edges ≥ threshold,
 *   thresholds at the 5, 10, …, 95 % quantiles (infomap: every other one; each run is a child process);
 * - `<scorer> + infomap-directed` where the scores are the kNN graph's own similarities (cosine): Infomap on each row's
 *   links, directed (infomapOnKnn).
 */
export function labellerCandidates(numNodes: number, graphs: ScoredGraph[], o: { largestClass: number; seed: number }): LabellerCandidate[] {
  return graphs.flatMap((g) => {
    const q = quantiles(g.edges.scores);
    const thresholds = unique(Array.from({ length: 19 }, (_, i) => q(0.05 * (i + 1))));
    const m = Math.max(2, o.largestClass);
    const propagation: LabellerCandidate = {
      name: `${g.name} + propagation`,
      settings: grid({
        maxSize: unique([m, 2 * m, 4 * m, g.preset.maxSize]),
        startThreshold: unique([0.5, 0.7, 0.8, 0.9, 0.95].map(q)),
        step: [0.1, 0.3, 0.6],
        dropBelowStart: [false, true],
      }),
      run: (s) => propagate(numNodes, g.edges.edges, g.edges.scores, { ...g.preset, ...(s as Partial<PropagationOptions>) }).labels,
    };
    const infomapThresholds = thresholds.filter((_, i) => i % 2 === 1).map((threshold) => ({ threshold }));
    // each method keeps the edges at or above the threshold itself
    const byThreshold = THRESHOLD_METHODS.map((method): LabellerCandidate => {
      const c = graphClusterer(method);
      return {
        name: `${g.name} + ${method}`,
        settings: method === 'infomap' ? infomapThresholds : thresholds.map((threshold) => ({ threshold })),
        run: (s) => c.run(numNodes, g.edges, s.threshold as number, { seed: o.seed }),
      };
    });
    const knn = g.knn;
    const directed: LabellerCandidate[] = knn ? [{
      name: `${g.name} + infomap-directed`,
      settings: infomapThresholds,
      run: (s) => infomapOnKnn(knn, s.threshold as number, { directed: true, seed: o.seed }),
    }] : [];
    return [propagation, ...byThreshold, ...directed];
  });
}

/** p ↦ the p-quantile of the scores (nearest rank), rounded to 4 decimals so that settings read well */
function quantiles(scores: Float32Array): (p: number) => number {
  if (scores.length === 0) throw new Error('pseudo-labeller candidates: the selection graph has no edge');
  const sorted = Float32Array.from(scores).sort();
  return (p) => Math.round(1e4 * sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]) / 1e4;
}

function unique(xs: number[]): number[] {
  return [...new Set(xs)].sort((a, b) => a - b);
}

/** every combination of the values, as settings */
function grid(values: Record<string, (number | boolean)[]>): LabellerSetting[] {
  return Object.entries(values).reduce<LabellerSetting[]>((acc, [k, vs]) => acc.flatMap((s) => vs.map((v) => ({ ...s, [k]: v }))), [{}]);
}
