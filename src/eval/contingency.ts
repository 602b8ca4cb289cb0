import { denseLabels } from './dense-labels.js';

/**
 * The sparse contingency table of two labelings: n_ij = |gt class i ∩ predicted cluster j|, only
 * the non-zero cells. Built in linear time with typed arrays (a counting sort by class, then one
 * scratch counter per cluster), so 5 M labels take well under a second and no n×n or G×P matrix
 * is ever formed.
 */
export interface Contingency {
  /** n = number of items. */
  n: number;
  /** a_i: size of each ground-truth class. */
  classSizes: Int32Array;
  /** b_j: size of each predicted cluster. */
  clusterSizes: Int32Array;
  /** non-zero cells: class index, cluster index and count, one entry per cell. */
  cellClass: Int32Array;
  cellCluster: Int32Array;
  cellCount: Int32Array;
}

export function contingency(gt: ArrayLike<number>, pred: ArrayLike<number>): Contingency {
  const n = gt.length;
  const g = denseLabels(gt);
  const p = denseLabels(pred);
  // Counting sort of the items by class.
  const start = new Int32Array(g.count + 1);
  for (let c = 0; c < g.count; c++) start[c + 1] = start[c] + g.sizes[c];
  const fill = start.slice(0, g.count);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[fill[g.ids[i]]++] = i;

  const scratch = new Int32Array(p.count);
  const touched = new Int32Array(p.count);
  const cellClass = new Int32Array(n);
  const cellCluster = new Int32Array(n);
  const cellCount = new Int32Array(n);
  let cells = 0;
  for (let c = 0; c < g.count; c++) {
    let nt = 0;
    for (let s = start[c]; s < start[c + 1]; s++) {
      const j = p.ids[order[s]];
      if (scratch[j]++ === 0) touched[nt++] = j;
    }
    for (let t = 0; t < nt; t++) {
      const j = touched[t];
      cellClass[cells] = c;
      cellCluster[cells] = j;
      cellCount[cells++] = scratch[j];
      scratch[j] = 0;
    }
  }
  return {
    n,
    classSizes: g.sizes,
    clusterSizes: p.sizes,
    cellClass: cellClass.slice(0, cells),
    cellCluster: cellCluster.slice(0, cells),
    cellCount: cellCount.slice(0, cells),
  };
}
