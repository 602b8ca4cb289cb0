/** Throws naming the array when it is shorter than rows × channels (or channels for the slope). */
function checkSizes(what: string, rows: number, channels: number, arrays: Record<string, [Float32Array, number]>): void {
  if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(channels) || channels < 1) {
    throw new Error(`${what}: rows ${rows} and channels ${channels} must be integers (channels at least 1)`);
  }
  for (const [name, [a, need]] of Object.entries(arrays)) {
    if (a.length < need) throw new Error(`${what}: ${name} has ${a.length} values, ${rows} rows × ${channels} channels need ${need}`);
  }
}

/** PReLU with one slope per channel (torch.nn.PReLU(channels)) over x [rows, channels]: y = x > 0 ? x : slope_c·x. */
export function preluForward(x: Float32Array, rows: number, channels: number, slope: Float32Array, y: Float32Array): void {
  const size = rows * channels;
  checkSizes('preluForward', rows, channels, { x: [x, size], slope: [slope, channels], y: [y, size] });
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < channels; c++, i++) { const v = x[i]; y[i] = v > 0 ? v : slope[c] * v; }
  }
}

/**
 * Backward of preluForward: dx = dy·(x > 0 ? 1 : slope_c) (dx may be dy itself, in place) and
 * dSlope_c = Σ over rows of dy·x where x ≤ 0 (overwritten).
 */
export function preluBackward(
  x: Float32Array, dy: Float32Array, rows: number, channels: number, slope: Float32Array, dx: Float32Array, dSlope: Float32Array,
): void {
  const size = rows * channels;
  checkSizes('preluBackward', rows, channels, { x: [x, size], dy: [dy, size], slope: [slope, channels], dx: [dx, size], dSlope: [dSlope, channels] });
  dSlope.fill(0, 0, channels);
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < channels; c++, i++) {
      const v = x[i], g = dy[i];
      if (v > 0) dx[i] = g;
      else { dSlope[c] += g * v; dx[i] = g * slope[c]; }
    }
  }
}
