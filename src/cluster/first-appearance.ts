/** Labels renumbered 0, 1, … by first appearance in node order; −1 stays −1. */
export function firstAppearance(labels: Int32Array): Int32Array {
  const out = new Int32Array(labels.length);
  const ids = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] < 0) { out[i] = -1; continue; }
    let l = ids.get(labels[i]);
    if (l === undefined) ids.set(labels[i], (l = ids.size));
    out[i] = l;
  }
  return out;
}
