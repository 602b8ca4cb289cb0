/** A row-major float32 matrix: the in-memory form of features and embeddings. */
export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

/** First row holding NaN or ±Inf, or -1. */
export function firstNonFiniteRow(m: Matrix): number {
  const { data, cols } = m;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) return Math.floor(i / cols);
  }
  return -1;
}
