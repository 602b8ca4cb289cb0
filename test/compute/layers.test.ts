import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fallbackKernels, kernels, type Kernels } from '../../src/compute/index.js';
import { loadAddon } from '../../src/compute/native.js';

const native = kernels().name === 'native' ? kernels() : undefined;
const skipNative = !native && 'native addon not built (needs libopenblas-dev) or FACET_NATIVE=0';

function rand(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1);
}

function close(got: ArrayLike<number>, want: ArrayLike<number>, what: string, tol = 1e-5): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < got.length; i++) {
    assert.ok(Math.abs(got[i] - want[i]) <= tol + tol * Math.abs(want[i]), `${what}[${i}]: ${got[i]} vs ${want[i]}`);
  }
}

/** Plain float64 BatchNorm (+ ReLU when relu) with batch statistics and its backward, written out from the definitions. */
function reference(x: Float32Array, dy: Float32Array, rows: number, c: number, gamma: Float32Array, beta: Float32Array, eps: number, relu: boolean) {
  const mean = new Float64Array(c), vr = new Float64Array(c);
  for (let r = 0; r < rows; r++) for (let ch = 0; ch < c; ch++) mean[ch] += x[r * c + ch] / rows;
  for (let r = 0; r < rows; r++) for (let ch = 0; ch < c; ch++) vr[ch] += (x[r * c + ch] - mean[ch]) ** 2 / rows;
  const y = new Float64Array(rows * c), dx = new Float64Array(rows * c), dg = new Float64Array(c), db = new Float64Array(c);
  const xhat = (r: number, ch: number) => (x[r * c + ch] - mean[ch]) / Math.sqrt(vr[ch] + eps);
  const dz = new Float64Array(rows * c);
  for (let r = 0; r < rows; r++) for (let ch = 0; ch < c; ch++) {
    const z = gamma[ch] * xhat(r, ch) + beta[ch];
    y[r * c + ch] = relu ? Math.max(0, z) : z;
    dz[r * c + ch] = !relu || z > 0 ? dy[r * c + ch] : 0;
    db[ch] += dz[r * c + ch];
    dg[ch] += dz[r * c + ch] * xhat(r, ch);
  }
  for (let r = 0; r < rows; r++) for (let ch = 0; ch < c; ch++) {
    const is = 1 / Math.sqrt(vr[ch] + eps);
    dx[r * c + ch] = (gamma[ch] * is / rows) * (rows * dz[r * c + ch] - db[ch] - xhat(r, ch) * dg[ch]);
  }
  return { mean, vr, y, dx, dg, db };
}

/** BatchNorm forward through the kernels (moments → scale/shift → scaleShift) and backward. */
function batchNorm(k: Kernels, x: Float32Array, dy: Float32Array, rows: number, c: number, gamma: Float32Array, beta: Float32Array, eps: number, relu: boolean) {
  const mean = new Float32Array(c), vr = new Float32Array(c), invstd = new Float32Array(c), scale = new Float32Array(c), shift = new Float32Array(c);
  k.channelMoments(x, rows, c, mean, vr);
  for (let ch = 0; ch < c; ch++) {
    invstd[ch] = 1 / Math.sqrt(vr[ch] + eps);
    scale[ch] = gamma[ch] * invstd[ch];
    shift[ch] = beta[ch] - mean[ch] * scale[ch];
  }
  const y = new Float32Array(rows * c);
  k.scaleShift(x, rows, c, scale, shift, y, relu);
  const dx = new Float32Array(rows * c).fill(7), dg = new Float32Array(c).fill(7), db = new Float32Array(c).fill(7);
  // without the ReLU, y is not read: an empty array stands in for it
  k.batchNormBackward(x, relu ? y : new Float32Array(0), dy, rows, c, mean, invstd, gamma, dx, dg, db, relu);
  return { mean, vr, y, dx, dg, db };
}

// rows large enough to split over threads in the addon (64K floats per thread), plus a small odd case
const bnCases = [{ rows: 3 * 5 * 7, c: 3 }, { rows: 8 * 16 * 16, c: 32 }];

function checkBn(k: Kernels): void {
  for (const relu of [true, false])
    for (const { rows, c } of bnCases) {
      const x = rand(rows * c, 1).map((v, i) => v * 2 + (i % c) * 0.5), dy = rand(rows * c, 2);
      const gamma = rand(c, 3).map((v) => v + 1.2), beta = rand(c, 4);
      const want = reference(x, dy, rows, c, gamma, beta, 1e-5, relu), got = batchNorm(k, x, dy, rows, c, gamma, beta, 1e-5, relu);
      for (const key of ['mean', 'vr', 'y', 'dx', 'dg', 'db'] as const) close(got[key], want[key], `${k.name} ${rows}×${c} relu ${relu} ${key}`, 2e-4);
    }
}

/**
 * Max-pool checked against a direct loop (padding as -∞, first maximum in row-major window order);
 * 5×7 covers the dropped odd row and column, 3/2/1 ResNet's stem, 3/1/1 heavy overlap, and the
 * rounded inputs many ties.
 */
const poolCases: [number, number, number, number, number, number, number, boolean][] = [
  [2, 5, 7, 3, 2, 2, 0, false], [16, 32, 32, 32, 2, 2, 0, false], [2, 7, 8, 3, 3, 2, 1, false], [8, 28, 28, 16, 3, 2, 1, false],
  [2, 6, 5, 2, 3, 1, 1, false], [2, 9, 9, 2, 3, 2, 1, true],
];

function checkPool(k: Kernels): void {
  for (const [n, h, w, c, size, stride, pad, ties] of poolCases) {
    const what = `${k.name} pool ${h}×${w} size ${size} stride ${stride} pad ${pad}`;
    const x = rand(n * h * w * c, 5).map((v) => (ties ? Math.round(v) : v));
    const oh = Math.floor((h + 2 * pad - size) / stride) + 1, ow = Math.floor((w + 2 * pad - size) / stride) + 1;
    const y = new Float32Array(n * oh * ow * c), arg = new Int32Array(y.length);
    k.maxPoolForward(x, n, h, w, c, size, stride, pad, y, arg);
    const want = new Float32Array(y.length), wantArg = new Int32Array(y.length);
    for (let i = 0; i < n; i++) for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) for (let ch = 0; ch < c; ch++) {
      const o = ((i * oh + oy) * ow + ox) * c + ch;
      want[o] = -Infinity;
      for (let ky = 0; ky < size; ky++) for (let kx = 0; kx < size; kx++) {
        const iy = oy * stride + ky - pad, ix = ox * stride + kx - pad;
        if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
        const j = ((i * h + iy) * w + ix) * c + ch;
        if (x[j] > want[o]) { want[o] = x[j]; wantArg[o] = j; }
      }
    }
    assert.deepEqual(y, want, `${what} values`);
    assert.deepEqual(arg, wantArg, `${what} argmax`);
    const g = rand(y.length, 6), dx = new Float32Array(x.length).fill(7);
    k.maxPoolBackward(g, arg, n, h, w, c, oh, ow, dx);
    const wantDx = new Float64Array(x.length);
    wantArg.forEach((j, o) => { wantDx[j] += g[o]; });
    close(dx, wantDx, `${what} dx`, 1e-6);
  }
}

/** The elementwise residual kernels against direct loops, on a size the addon splits over threads. */
function checkElementwise(k: Kernels): void {
  for (const size of [7, 300001]) {
    const a = rand(size, 13), b = rand(size, 14), g = rand(size, 15), out = new Float32Array(size).fill(7);
    k.addRelu(a, b, out, size);
    assert.deepEqual(out, a.map((v, i) => Math.max(0, Math.fround(v + b[i]))), `${k.name} addRelu ${size}`);
    k.relu(a, out, size);
    assert.deepEqual(out, a.map((v) => Math.max(0, v)), `${k.name} relu ${size}`);
    k.reluBackward(a, g, out, size);
    assert.deepEqual(out, g.map((v, i) => (a[i] > 0 ? v : 0)), `${k.name} reluBackward ${size}`);
    k.add(a, b, out, size);
    assert.deepEqual(out, a.map((v, i) => v + b[i]), `${k.name} add ${size}`);
  }
}

test('fallback BatchNorm kernels (with and without ReLU) match a float64 reference', () => checkBn(fallbackKernels));
test('native BatchNorm kernels (with and without ReLU) match a float64 reference', { skip: skipNative }, () => checkBn(native!));
test('fallback max-pool forward/backward (overlapping, padded, ties) match a direct loop', () => checkPool(fallbackKernels));
test('native max-pool forward/backward (overlapping, padded, ties) match a direct loop', { skip: skipNative }, () => checkPool(native!));
test('fallback addRelu, relu, reluBackward and add match direct loops', () => checkElementwise(fallbackKernels));
test('native addRelu, relu, reluBackward and add match direct loops', { skip: skipNative }, () => checkElementwise(native!));

test('native and fallback layer kernels agree', { skip: skipNative }, () => {
  const rows = 4 * 14 * 14, c = 64, x = rand(rows * c, 9), dy = rand(rows * c, 10), gamma = rand(c, 11), beta = rand(c, 12);
  for (const relu of [true, false]) {
    const a = batchNorm(native!, x, dy, rows, c, gamma, beta, 1e-5, relu), b = batchNorm(fallbackKernels, x, dy, rows, c, gamma, beta, 1e-5, relu);
    for (const key of ['mean', 'vr', 'y', 'dx', 'dg', 'db'] as const) close(a[key], b[key], `native vs fallback relu ${relu} ${key}`, 1e-4);
  }
});

for (const k of [fallbackKernels, native]) {
  test(`${k?.name ?? 'native'} layer kernels refuse arrays shorter than the shape, naming the argument`, { skip: !k && skipNative }, () => {
    const x = new Float32Array(10), c4 = new Float32Array(4);
    assert.throws(() => k!.channelMoments(x, 3, 4, c4, c4), /channelMoments: x has 10 values, the shape needs 12/);
    assert.throws(() => k!.scaleShift(x, 2, 5, c4, new Float32Array(5), x, true), /scaleShift: scale has 4 values, the shape needs 5/);
    assert.throws(() => k!.batchNormBackward(x, c4, x, 2, 5, x, x, x, x, x, x, true), /batchNormBackward: y has 4 values, the shape needs 10/);
    assert.throws(() => k!.maxPoolForward(x, 1, 2, 2, 2, 2, 2, 0, new Float32Array(2), new Int32Array(1)), /maxPoolForward: argmax has 1 values, the shape needs 2/);
    assert.throws(() => k!.maxPoolForward(x, 1, 2, 2, 2, 3, 2, 2, x, new Int32Array(10)), /maxPoolForward: .*0 ≤ pad ≤ size\/2, got size 3, stride 2, pad 2/);
    assert.throws(() => k!.maxPoolBackward(c4, Int32Array.of(0, 1, 99, 2), 1, 2, 2, 4, 1, 1, new Float32Array(16)), /argmax index (99 )?out of range/);
    // the second image's maximum must lie in the second image
    assert.throws(() => k!.maxPoolBackward(c4, Int32Array.of(0, 1), 2, 2, 1, 1, 1, 1, c4), /argmax index (1 )?out of range/);
    assert.throws(() => k!.addRelu(x, x, c4, 10), /addRelu: y has 4 values, the shape needs 10/);
    assert.throws(() => k!.reluBackward(x, c4, x, 10), /reluBackward: dy has 4 values, the shape needs 10/);
    assert.throws(() => k!.channelMoments(x, -1, 2, c4, c4), /rows must be a non-negative integer/);
  });
}

test('native kernels take sizes whose product passes 2^31 (each array is smaller) and throw one clear error on bad sizes', { skip: skipNative }, () => {
  // 4×128×128×16 pooled to 64×64: n·h·w·c·oh·ow is 4.3e9, the arrays 1M values
  const [n, h, w, c] = [4, 128, 128, 16], x = rand(n * h * w * c, 16), y = new Float32Array(x.length / 4), arg = new Int32Array(y.length);
  native!.maxPoolForward(x, n, h, w, c, 2, 2, 0, y, arg);
  const dx = new Float32Array(x.length);
  native!.maxPoolBackward(y, arg, n, h, w, c, 64, 64, dx);
  assert.ok(arg.every((j, i) => dx[j] === y[i]), 'each maximum routed back to its input');
  const addon = loadAddon()!, c4 = new Float32Array(4);
  assert.throws(() => addon.channelMoments(c4, -1, 2, c4, c4), /channelMoments: bad size/);
  assert.throws(() => addon.maxPoolBackward(c4, new Int32Array(4), 1, 2, 2, 1, 1, 2 ** 32, c4), /maxPoolBackward: bad size/);
});
