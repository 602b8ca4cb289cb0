/**
 * Row-wise L2 normalisation into a new Float32Array, as torch `F.normalize(x, p=2, dim=1)`:
 * x / max(‖x‖, 1e-12), so an all-zero row stays zero. Norms are accumulated in float64.
 */
export function l2NormalizeRows(data: ArrayLike<number>, rows: number, dim: number): Float32Array {
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    const off = r * dim;
    let sq = 0;
    for (let j = 0; j < dim; j++) sq += data[off + j] * data[off + j];
    const inv = 1 / Math.max(Math.sqrt(sq), 1e-12);
    for (let j = 0; j < dim; j++) out[off + j] = data[off + j] * inv;
  }
  return out;
}
