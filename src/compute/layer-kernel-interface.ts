/**
 * Fused NHWC layer kernels for facet's training engine (src/nn): BatchNorm folded with ReLU, and
 * 2×2 stride-2 max-pool with its argmax. `rows` is n·h·w and `c` the channels (innermost). The
 * native addon (native/layers.cc) and the TypeScript fallback (layers-fallback.ts) agree within
 * float32 tolerance; both check sizes with `checkLayerArrays` first.
 */
export interface LayerKernels {
  /** Per-channel mean and biased variance of x (rows × c) into mean and variance (c each). */
  channelMoments(x: Float32Array, rows: number, c: number, mean: Float32Array, variance: Float32Array): void;
  /** y = max(0, x·scale[ch] + shift[ch]): BatchNorm's normalise + affine as one scale and shift, fused with ReLU. */
  scaleShiftRelu(x: Float32Array, rows: number, c: number, scale: Float32Array, shift: Float32Array, y: Float32Array): void;
  /**
   * Backward of y = relu(gamma·(x − mean)·invstd + beta) where mean and invstd are x's batch
   * statistics: dx (overwritten), dgamma and dbeta (overwritten).
   */
  bnReluBackward(
    x: Float32Array, y: Float32Array, dy: Float32Array, rows: number, c: number, mean: Float32Array, invstd: Float32Array,
    gamma: Float32Array, dx: Float32Array, dgamma: Float32Array, dbeta: Float32Array,
  ): void;
  /**
   * 2×2 stride-2 max-pool of x [n, h, w, c] into y [n, ⌊h/2⌋, ⌊w/2⌋, c] (an odd last row or column
   * is dropped); argmax gets the flat index into x of each maximum (the first on ties).
   */
  maxPool2x2Forward(x: Float32Array, n: number, h: number, w: number, c: number, y: Float32Array, argmax: Int32Array): void;
  /** dx [n, h, w, c] (overwritten) = dy scattered to the argmax positions. */
  maxPool2x2Backward(dy: Float32Array, argmax: Int32Array, n: number, h: number, w: number, c: number, dx: Float32Array): void;
}

/** Throws naming the kernel and argument when a size is not a non-negative integer or an array is too short. */
export function checkLayerArrays(
  what: string, sizes: Record<string, number>, arrays: Record<string, [Float32Array | Int32Array, number]>,
): void {
  for (const [name, v] of Object.entries(sizes)) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`${what}: ${name} must be a non-negative integer, got ${v}`);
  }
  for (const [name, [arr, need]] of Object.entries(arrays)) {
    if (arr.length < need) throw new Error(`${what}: ${name} has ${arr.length} values, the shape needs ${need}`);
  }
  if (Object.values(arrays).some(([, need]) => need > 2 ** 31 - 1)) throw new Error(`${what}: more than 2^31 elements`);
}

/** Validating wrappers: every implementation's kernels go through the same size checks. */
export function checkedLayerKernels(k: LayerKernels): LayerKernels {
  return {
    channelMoments(x, rows, c, mean, variance) {
      checkLayerArrays('channelMoments', { rows, c }, { x: [x, rows * c], mean: [mean, c], variance: [variance, c] });
      k.channelMoments(x, rows, c, mean, variance);
    },
    scaleShiftRelu(x, rows, c, scale, shift, y) {
      checkLayerArrays('scaleShiftRelu', { rows, c }, { x: [x, rows * c], scale: [scale, c], shift: [shift, c], y: [y, rows * c] });
      k.scaleShiftRelu(x, rows, c, scale, shift, y);
    },
    bnReluBackward(x, y, dy, rows, c, mean, invstd, gamma, dx, dgamma, dbeta) {
      const big = rows * c;
      checkLayerArrays('bnReluBackward', { rows, c }, {
        x: [x, big], y: [y, big], dy: [dy, big], mean: [mean, c], invstd: [invstd, c], gamma: [gamma, c], dx: [dx, big],
        dgamma: [dgamma, c], dbeta: [dbeta, c],
      });
      k.bnReluBackward(x, y, dy, rows, c, mean, invstd, gamma, dx, dgamma, dbeta);
    },
    maxPool2x2Forward(x, n, h, w, c, y, argmax) {
      const out = n * Math.floor(h / 2) * Math.floor(w / 2) * c;
      checkLayerArrays('maxPool2x2Forward', { n, h, w, c }, { x: [x, n * h * w * c], y: [y, out], argmax: [argmax, out] });
      k.maxPool2x2Forward(x, n, h, w, c, y, argmax);
    },
    maxPool2x2Backward(dy, argmax, n, h, w, c, dx) {
      const out = n * Math.floor(h / 2) * Math.floor(w / 2) * c;
      checkLayerArrays('maxPool2x2Backward', { n, h, w, c }, { dy: [dy, out], argmax: [argmax, out], dx: [dx, n * h * w * c] });
      k.maxPool2x2Backward(dy, argmax, n, h, w, c, dx);
    },
  };
}
