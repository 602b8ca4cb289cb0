/**
 * NHWC layer kernels for facet's training engine (src/nn): BatchNorm (optionally fused with ReLU),
 * max-pool with its argmax, and the elementwise ReLU kernels of residual blocks. `rows` is n·h·w
 * and `c` the channels (innermost). The native addon (native/layers.cc) and the TypeScript fallback
 * (layers-fallback.ts) agree within float32 tolerance; both check sizes with `checkLayerArrays` first.
 */
export interface LayerKernels {
  /** Per-channel mean and biased variance of x (rows × c) into mean and variance (c each). */
  channelMoments(x: Float32Array, rows: number, c: number, mean: Float32Array, variance: Float32Array): void;
  /** y = x·scale[ch] + shift[ch], then max(0, ·) when relu: BatchNorm's normalise + affine as one scale and shift. */
  scaleShift(x: Float32Array, rows: number, c: number, scale: Float32Array, shift: Float32Array, y: Float32Array, relu: boolean): void;
  /**
   * Backward of y = gamma·(x − mean)·invstd + beta (through a ReLU on y when relu) where mean and
   * invstd are x's batch statistics: dx, dgamma and dbeta (all overwritten). y is read only when relu.
   */
  batchNormBackward(
    x: Float32Array, y: Float32Array, dy: Float32Array, rows: number, c: number, mean: Float32Array, invstd: Float32Array,
    gamma: Float32Array, dx: Float32Array, dgamma: Float32Array, dbeta: Float32Array, relu: boolean,
  ): void;
  /**
   * size×size max-pool with stride and `pad` implicit padding cells (which never win) of x [n, h, w, c]
   * into y [n, oh, ow, c], oh = poolSide(h, size, stride, pad) (torch's MaxPool2d); argmax gets the flat
   * index into x of each maximum (the first in row-major window order on ties).
   */
  maxPoolForward(
    x: Float32Array, n: number, h: number, w: number, c: number, size: number, stride: number, pad: number, y: Float32Array, argmax: Int32Array,
  ): void;
  /** dx [n, h, w, c] (overwritten) = dy [n, oh, ow, c] summed into the argmax positions (windows may overlap). */
  maxPoolBackward(dy: Float32Array, argmax: Int32Array, n: number, h: number, w: number, c: number, oh: number, ow: number, dx: Float32Array): void;
  /** y = max(0, a + b) over `size` values: a residual block's join. */
  addRelu(a: Float32Array, b: Float32Array, y: Float32Array, size: number): void;
  /** y = max(0, x) over `size` values. */
  relu(x: Float32Array, y: Float32Array, size: number): void;
  /** dx = dy where y > 0, else 0 (the backward of either ReLU above, from its output y). */
  reluBackward(y: Float32Array, dy: Float32Array, dx: Float32Array, size: number): void;
  /** y = a + b over `size` values. */
  add(a: Float32Array, b: Float32Array, y: Float32Array, size: number): void;
}

/** Output side of a max-pool (torch's floor mode): ⌊(side + 2·pad − size)/stride⌋ + 1. */
export const poolSide = (side: number, size: number, stride: number, pad: number) => Math.floor((side + 2 * pad - size) / stride) + 1;

/** Throws naming the kernel and argument when a size is not a non-negative integer or an array is too short. */
export function checkLayerArrays(
  what: string, sizes: Record<string, number>, arrays: Record<string, [Float32Array | Int32Array | Float64Array, number]>,
): void {
  for (const [name, v] of Object.entries(sizes)) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`${what}: ${name} must be a non-negative integer, got ${v}`);
  }
  for (const [name, [arr, need]] of Object.entries(arrays)) {
    if (arr.length < need) throw new Error(`${what}: ${name} has ${arr.length} values, the shape needs ${need}`);
  }
  if (Object.values(arrays).some(([, need]) => need > 2 ** 31 - 1)) throw new Error(`${what}: more than 2^31 elements`);
}

/** Throws unless a max-pool window is a positive size and stride, pad ≤ size/2 (every window then holds an input cell), and fits the padded input. */
export function checkPoolWindow(what: string, h: number, w: number, size: number, stride: number, pad: number): void {
  if (!(Number.isInteger(size) && size >= 1 && Number.isInteger(stride) && stride >= 1 && Number.isInteger(pad) && pad >= 0 && pad <= size >> 1)) {
    throw new Error(`${what}: needs a positive integer size and stride and 0 ≤ pad ≤ size/2, got size ${size}, stride ${stride}, pad ${pad}`);
  }
  if (h + 2 * pad < size || w + 2 * pad < size) throw new Error(`${what}: a ${size}×${size} window does not fit a ${h}×${w} input padded by ${pad}`);
}

/** Checks for the elementwise kernels: every array holds at least `size` values. */
function checkElementwise(what: string, size: number, arrays: Record<string, Float32Array>): void {
  checkLayerArrays(what, { size }, Object.fromEntries(Object.entries(arrays).map(([k, v]) => [k, [v, size]])));
}

/** Validating wrappers: every implementation's kernels go through the same size checks. */
export function checkedLayerKernels(k: LayerKernels): LayerKernels {
  return {
    channelMoments(x, rows, c, mean, variance) {
      checkLayerArrays('channelMoments', { rows, c }, { x: [x, rows * c], mean: [mean, c], variance: [variance, c] });
      k.channelMoments(x, rows, c, mean, variance);
    },
    scaleShift(x, rows, c, scale, shift, y, relu) {
      checkLayerArrays('scaleShift', { rows, c }, { x: [x, rows * c], scale: [scale, c], shift: [shift, c], y: [y, rows * c] });
      k.scaleShift(x, rows, c, scale, shift, y, relu);
    },
    batchNormBackward(x, y, dy, rows, c, mean, invstd, gamma, dx, dgamma, dbeta, relu) {
      const big = rows * c;
      checkLayerArrays('batchNormBackward', { rows, c }, {
        x: [x, big], y: [y, relu ? big : 0], dy: [dy, big], mean: [mean, c], invstd: [invstd, c], gamma: [gamma, c], dx: [dx, big],
        dgamma: [dgamma, c], dbeta: [dbeta, c],
      });
      k.batchNormBackward(x, y, dy, rows, c, mean, invstd, gamma, dx, dgamma, dbeta, relu);
    },
    maxPoolForward(x, n, h, w, c, size, stride, pad, y, argmax) {
      checkLayerArrays('maxPoolForward', { n, h, w, c }, {});
      checkPoolWindow('maxPoolForward', h, w, size, stride, pad);
      const out = n * poolSide(h, size, stride, pad) * poolSide(w, size, stride, pad) * c;
      checkLayerArrays('maxPoolForward', {}, { x: [x, n * h * w * c], y: [y, out], argmax: [argmax, out] });
      k.maxPoolForward(x, n, h, w, c, size, stride, pad, y, argmax);
    },
    maxPoolBackward(dy, argmax, n, h, w, c, oh, ow, dx) {
      const out = n * oh * ow * c;
      checkLayerArrays('maxPoolBackward', { n, h, w, c, oh, ow }, { dy: [dy, out], argmax: [argmax, out], dx: [dx, n * h * w * c] });
      k.maxPoolBackward(dy, argmax, n, h, w, c, oh, ow, dx);
    },
    addRelu(a, b, y, size) {
      checkElementwise('addRelu', size, { a, b, y });
      k.addRelu(a, b, y, size);
    },
    relu(x, y, size) {
      checkElementwise('relu', size, { x, y });
      k.relu(x, y, size);
    },
    reluBackward(y, dy, dx, size) {
      checkElementwise('reluBackward', size, { y, dy, dx });
      k.reluBackward(y, dy, dx, size);
    },
    add(a, b, y, size) {
      checkElementwise('add', size, { a, b, y });
      k.add(a, b, y, size);
    },
  };
}
