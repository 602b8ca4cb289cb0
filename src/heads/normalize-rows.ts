/**
 * Gradient through v = u/‖u‖ for each row, in place: g ← (g − (g·v) v)/‖u‖.
 * `g` holds dL/dv on entry and dL/du on return.
 */
export function backpropNormalize(g: Float32Array, v: Float32Array, norms: Float64Array, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) {
    let dot = 0;
    for (let j = 0; j < cols; j++) dot += g[i * cols + j] * v[i * cols + j];
    const inv = norms[i] > 0 ? 1 / norms[i] : 0;
    for (let j = 0; j < cols; j++) g[i * cols + j] = (g[i * cols + j] - dot * v[i * cols + j]) * inv;
  }
}
