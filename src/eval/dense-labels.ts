/**
 * Dense relabelling: arbitrary integer labels → 0..count−1 in order of first appearance. facet's one
 * relabelling (metrics, clusterers, pseudo-label heads). Linear time: a lookup table when the label
 * range is small, a hash map otherwise.
 */
export interface DenseLabels {
  /** ids[i] = dense id of item i (−1 for a negative label under `keepUnassigned`). */
  ids: Int32Array;
  /** number of distinct labels. */
  count: number;
  /** sizes[d] = number of items with dense id d. */
  sizes: Int32Array;
}

export interface DenseLabelsOptions {
  /** negative labels (unassigned, −1) stay −1 and are not counted; otherwise every value is a label */
  keepUnassigned?: boolean;
}

/** Range up to which a lookup table (4 bytes per possible value) beats a Map. */
const TABLE_SLACK = 1 << 20;

export function denseLabels(labels: ArrayLike<number>, o: DenseLabelsOptions = {}): DenseLabels {
  const n = labels.length;
  const skip = o.keepUnassigned ? (v: number) => v < 0 : () => false;
  const ids = new Int32Array(n);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = labels[i];
    if (skip(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  let count = 0;
  if (min <= max && max - min <= 4 * n + TABLE_SLACK) {
    const table = new Int32Array(max - min + 1).fill(-1);
    for (let i = 0; i < n; i++) {
      if (skip(labels[i])) { ids[i] = -1; continue; }
      const slot = labels[i] - min;
      let d = table[slot];
      if (d < 0) table[slot] = d = count++;
      ids[i] = d;
    }
  } else {
    const map = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      if (skip(labels[i])) { ids[i] = -1; continue; }
      let d = map.get(labels[i]);
      if (d === undefined) map.set(labels[i], (d = count++));
      ids[i] = d;
    }
  }
  const sizes = new Int32Array(count);
  for (let i = 0; i < n; i++) if (ids[i] >= 0) sizes[ids[i]]++;
  return { ids, count, sizes };
}

/** Labels renumbered 0, 1, … by first appearance in node order; −1 stays −1. */
export function firstAppearance(labels: ArrayLike<number>): Int32Array {
  return denseLabels(labels, { keepUnassigned: true }).ids;
}
