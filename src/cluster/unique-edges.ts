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
 * counting sort by the smaller endpoint, then a short sort inside each bucket.
 */
export function uniqueEdges(numNodes: number, edges: Int32Array, scores: ArrayLike<number>): UniqueEdges {
  const E = scores.length;
  const count = new Int32Array(numNodes + 1);
  for (let e = 0; e < E; e++) {
    const u = edges[2 * e], v = edges[2 * e + 1];
    count[(u < v ? u : v) + 1]++;
  }
  for (let i = 0; i < numNodes; i++) count[i + 1] += count[i];
  const order = new Int32Array(E);
  const fill = count.slice(0, numNodes);
  for (let e = 0; e < E; e++) {
    const u = edges[2 * e], v = edges[2 * e + 1];
    order[fill[u < v ? u : v]++] = e;
  }
  const a: number[] = [];
  const b: number[] = [];
  const s: number[] = [];
  const bucket: number[] = [];
  for (let lo = 0; lo < numNodes; lo++) {
    const start = count[lo], end = count[lo + 1];
    if (start === end) continue;
    bucket.length = 0;
    for (let p = start; p < end; p++) bucket.push(order[p]);
    const hi = (e: number) => Math.max(edges[2 * e], edges[2 * e + 1]);
    // by larger endpoint, then input order: the last of each run is the surviving occurrence
    bucket.sort((x, y) => hi(x) - hi(y) || x - y);
    for (let p = 0; p < bucket.length; p++) {
      const e = bucket[p];
      if (p + 1 < bucket.length && hi(bucket[p + 1]) === hi(e)) continue;
      a.push(lo);
      b.push(hi(e));
      s.push(scores[e]);
    }
  }
  return { a: Int32Array.from(a), b: Int32Array.from(b), score: Float64Array.from(s) };
}
