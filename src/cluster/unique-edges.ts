/** Undirected edges with one score each, as CDP's score_dict holds them. */
export interface UniqueEdges {
  /** smaller endpoint */
  a: Int32Array;
  /** larger endpoint (a === b for a self-loop) */
  b: Int32Array;
  score: Float64Array;
}

/**
 * Sorts each edge to (min, max) and keeps one entry per pair with the score of its LAST occurrence
 * in input order, exactly as CDP's `score_dict[e0, e1] = score[i]` loop does. Linear time: a stable
 * counting sort by the smaller endpoint, then, inside each bucket, a "last occurrence of this larger
 * endpoint" mark per node (marks from earlier buckets name other edges, so they need no reset).
 */
export function uniqueEdges(numNodes: number, edges: Int32Array, scores: ArrayLike<number>): UniqueEdges {
  const E = scores.length;
  const lo = new Int32Array(E);
  const hi = new Int32Array(E);
  const count = new Int32Array(numNodes + 1);
  for (let e = 0; e < E; e++) {
    const u = edges[2 * e], v = edges[2 * e + 1];
    lo[e] = u < v ? u : v;
    hi[e] = u < v ? v : u;
    count[lo[e] + 1]++;
  }
  for (let i = 0; i < numNodes; i++) count[i + 1] += count[i];
  const order = new Int32Array(E);
  const fill = count.slice(0, numNodes);
  for (let e = 0; e < E; e++) order[fill[lo[e]]++] = e;
  const last = new Int32Array(numNodes).fill(-1);
  const a = new Int32Array(E);
  const b = new Int32Array(E);
  const s = new Float64Array(E);
  let m = 0;
  for (let node = 0; node < numNodes; node++) {
    const start = count[node], end = count[node + 1];
    for (let p = start; p < end; p++) last[hi[order[p]]] = order[p];
    for (let p = start; p < end; p++) {
      const e = order[p];
      if (last[hi[e]] !== e) continue; // a later occurrence overwrites this one
      a[m] = node;
      b[m] = hi[e];
      s[m] = scores[e];
      m++;
    }
  }
  return { a: a.slice(0, m), b: b.slice(0, m), score: s.slice(0, m) };
}
