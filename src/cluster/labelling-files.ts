import { join } from 'node:path';
import { makeDir, writeFileAtomic, writeLabels } from '../data/files/index.js';
import { clusteringMetrics, type ClusteringMetrics } from '../eval/clustering-metrics.js';
import { removeSingletons } from '../eval/unassigned.js';

export interface PseudoLabelReport {
  numNodes: number;
  numClusters: number;
  /** clusters of one node */
  numSingletons: number;
  /** nodes labelled −1 (in no edge) */
  numDiscarded: number;
  /** NAAN statistics.py: 1 − (nodes in clusters of ≥ 2)/N */
  singletonDiscardRatio: number;
  /** [cluster size, number of clusters of that size], sizes ascending */
  sizeHistogram: [number, number][];
  /** with ground truth: every node (−1 as its own cluster) and NAAN's singletons-removed protocol */
  metrics?: { all: ClusteringMetrics; singletonsRemoved: ClusteringMetrics };
}

/** Cluster statistics of a pseudo-labelling, and clustering metrics when ground truth is given. */
export function pseudoLabelReport(labels: Int32Array, gt?: ArrayLike<number>): PseudoLabelReport {
  const sizes = new Map<number, number>();
  let numDiscarded = 0;
  for (const l of labels) {
    if (l < 0) numDiscarded++;
    else sizes.set(l, (sizes.get(l) ?? 0) + 1);
  }
  const bySize = new Map<number, number>();
  for (const s of sizes.values()) bySize.set(s, (bySize.get(s) ?? 0) + 1);
  const removal = removeSingletons(labels);
  if (gt !== undefined && gt.length !== labels.length) throw new Error(`ground truth has ${gt.length} labels for ${labels.length} nodes`);
  return {
    numNodes: labels.length,
    numClusters: sizes.size,
    numSingletons: bySize.get(1) ?? 0,
    numDiscarded,
    singletonDiscardRatio: removal.discardRatio,
    sizeHistogram: [...bySize.entries()].sort((a, b) => a[0] - b[0]),
    metrics: gt && { all: clusteringMetrics(gt, labels), singletonsRemoved: clusteringMetrics(gt, labels, { removeSingletons: true }) },
  };
}

/**
 * Writes a run's pseudo-labels into outDir: `labels.txt` (one label per line, −1 discarded),
 * `labels_clean.txt` (NAAN's: singletons and −1 → −1, the rest renumbered 0..) and `report.json`.
 */
export function writePseudoLabels(outDir: string, labels: Int32Array, report: PseudoLabelReport, extra: Record<string, unknown> = {}): void {
  makeDir(outDir);
  writeLabels(join(outDir, 'labels.txt'), labels);
  writeLabels(join(outDir, 'labels_clean.txt'), removeSingletons(labels).cleanLabels);
  writeFileAtomic(join(outDir, 'report.json'), JSON.stringify({ ...extra, ...report }, null, 2) + '\n');
}
