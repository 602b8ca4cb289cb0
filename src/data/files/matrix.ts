/** A row-major float32 matrix: the in-memory form of features and embeddings. */
export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

/**
 * First row holding NaN or ±Inf, or -1. x·0 is 0 for finite x and NaN otherwise, so eight values are
 * tested with one comparison (in double precision, where float32 values cannot overflow): about twice
 * as fast as Number.isFinite per value on a 600 MB matrix.
 */
export function firstNonFiniteRow(m: Matrix): number {
  const { data, cols } = m;
  const n = data.length;
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    if (data[i] * 0 + data[i + 1] * 0 + data[i + 2] * 0 + data[i + 3] * 0
      + data[i + 4] * 0 + data[i + 5] * 0 + data[i + 6] * 0 + data[i + 7] * 0 !== 0) break;
  }
  for (; i < n; i++) {
    if (!Number.isFinite(data[i])) return Math.floor(i / cols);
  }
  return -1;
}

/** First row whose values are all zero (no direction: cosine similarity is undefined), or -1. */
export function firstZeroRow(m: { data: ArrayLike<number>; rows: number; cols: number }): number {
  const { data, rows, cols } = m;
  for (let r = 0; r < rows; r++) {
    let j = r * cols;
    const end = j + cols;
    while (j < end && data[j] === 0) j++;
    if (j === end) return r;
  }
  return -1;
}
