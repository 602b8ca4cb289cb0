/** Options of `l2NormalizeRows`. */
export interface NormalizeOptions {
  /** where the rows go (default: a new array); may be `data` itself */
  out?: Float32Array;
  /** receives each row's norm ‖x‖ (before the 1e-12 floor), e.g. for the gradient through the normalisation */
  norms?: Float64Array;
}

/** Each row's L2 norm, accumulated in float64. */
export function rowNorms(data: ArrayLike<number>, rows: number, dim: number, out: Float64Array = new Float64Array(rows)): Float64Array {
  for (let r = 0; r < rows; r++) {
    const off = r * dim;
    let sq = 0;
    for (let j = 0; j < dim; j++) sq += data[off + j] * data[off + j];
    out[r] = Math.sqrt(sq);
  }
  return out;
}

/**
 * facet's one row-wise L2 normalisation, as torch `F.normalize(x, p=2, dim=1)`: x / max(‖x‖, 1e-12),
 * so an all-zero row stays zero. Norms are accumulated in float64, the rows written as float32.
 */
export function l2NormalizeRows(data: ArrayLike<number>, rows: number, dim: number, o: NormalizeOptions = {}): Float32Array {
  const out = o.out ?? new Float32Array(rows * dim);
  const norms = rowNorms(data, rows, dim, o.norms);
  for (let r = 0; r < rows; r++) {
    const off = r * dim;
    const inv = 1 / Math.max(norms[r], 1e-12);
    for (let j = 0; j < dim; j++) out[off + j] = data[off + j] * inv;
  }
  return out;
}
