import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fallbackKernels, kernels, type Kernels } from '../../src/compute/index.js';

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

/** Plain float64 BatchNorm + ReLU with batch statistics and its backward, written out from the definitions. */
function reference(x: Float32Array, dy: Float32Array, rows: number, c: number, gamma: Float32Array, beta: Float32Array, eps: number) {
  const mean = new Float64Array(c), vr = new Float64Array(c);
  for (let r = 0; r < rows; r++) for (let ch = 0; ch < c; ch++) mean[ch] += x[r * c + ch] / rows;
  for (let r = 0; r < rows; r++) for (let ch = 0; ch < c; ch++) vr[ch] += (x[r * c + ch] - mean[ch]) ** 2 / rows;
  const y = new Float64Array(rows * c), dx = new Float64Array(rows * c), dg = new Float64Array(c), db = new Float64Array(c);
  const xhat = (r: number, ch: number) => (x[r * c + ch] - mean[ch]) / Math.sqrt(vr[ch] + eps);
  const dz = new Float64Array(rows * c);
  for (let r = 0; r < rows; r++) for (let ch = 0; ch < c; ch++) {
    const z = gamma[ch] * xhat(r, ch) + beta[ch];
    y[r * c + ch] = Math.max(0, z);
    dz[r * c + ch] = z > 0 ? dy[r * c + ch] : 0;
    db[ch] += dz[r * c + ch];
    dg[ch] += dz[r * c + ch] * xhat(r, ch);
  }
  for (let r = 0; r < rows; r++) for (let ch = 0; ch < c; ch++) {
    const is = 1 / Math.sqrt(vr[ch] + eps);
    dx[r * c + ch] = (gamma[ch] * is / rows) * (rows * dz[r * c + ch] - db[ch] - xhat(r, ch) * dg[ch]);
  }
  return { mean, vr, y, dx, dg, db };
}

/** BatchNorm+ReLU forward through the kernels (moments → scale/shift → scaleShiftRelu) and backward. */
function bnRelu(k: Kernels, x: Float32Array, dy: Float32Array, rows: number, c: number, gamma: Float32Array, beta: Float32Array, eps: number) {
  const mean = new Float32Array(c), vr = new Float32Array(c), invstd = new Float32Array(c), scale = new Float32Array(c), shift = new Float32Array(c);
  k.channelMoments(x, rows, c, mean, vr);
  for (let ch = 0; ch < c; ch++) {
    invstd[ch] = 1 / Math.sqrt(vr[ch] + eps);
    scale[ch] = gamma[ch] * invstd[ch];
    shift[ch] = beta[ch] - mean[ch] * scale[ch];
  }
  const y = new Float32Array(rows * c);
  k.scaleShiftRelu(x, rows, c, scale, shift, y);
  const dx = new Float32Array(rows * c).fill(7), dg = new Float32Array(c).fill(7), db = new Float32Array(c).fill(7);
  k.bnReluBackward(x, y, dy, rows, c, mean, invstd, gamma, dx, dg, db);
  return { mean, vr, y, dx, dg, db };
}

// rows large enough to split over threads in the addon (64K floats per thread), plus a small odd case
const bnCases = [{ rows: 3 * 5 * 7, c: 3 }, { rows: 8 * 16 * 16, c: 32 }];

function checkBn(k: Kernels): void {
  for (const { rows, c } of bnCases) {
    const x = rand(rows * c, 1).map((v, i) => v * 2 + (i % c) * 0.5), dy = rand(rows * c, 2);
    const gamma = rand(c, 3).map((v) => v + 1.2), beta = rand(c, 4);
    const want = reference(x, dy, rows, c, gamma, beta, 1e-5), got = bnRelu(k, x, dy, rows, c, gamma, beta, 1e-5);
    for (const key of ['mean', 'vr', 'y', 'dx', 'dg', 'db'] as const) close(got[key], want[key], `${k.name} ${rows}×${c} ${key}`, 2e-4);
  }
}

/** Max-pool checked against a direct loop; 5×7 covers the dropped odd row and column. */
function checkPool(k: Kernels): void {
  for (const [n, h, w, c] of [[2, 5, 7, 3], [16, 32, 32, 32]]) {
    const x = rand(n * h * w * c, 5), oh = h >> 1, ow = w >> 1;
    const y = new Float32Array(n * oh * ow * c), arg = new Int32Array(y.length);
    k.maxPool2x2Forward(x, n, h, w, c, y, arg);
    const want = new Float32Array(y.length), wantArg = new Int32Array(y.length);
    for (let i = 0; i < n; i++) for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) for (let ch = 0; ch < c; ch++) {
      const o = ((i * oh + oy) * ow + ox) * c + ch;
      want[o] = -Infinity;
      for (const [dy, dx] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
        const j = ((i * h + 2 * oy + dy) * w + 2 * ox + dx) * c + ch;
        if (x[j] > want[o]) { want[o] = x[j]; wantArg[o] = j; }
      }
    }
    assert.deepEqual(y, want, `${k.name} pool ${h}×${w} values`);
    assert.deepEqual(arg, wantArg, `${k.name} pool ${h}×${w} argmax`);
    const g = rand(y.length, 6), dx = new Float32Array(x.length).fill(7);
    k.maxPool2x2Backward(g, arg, n, h, w, c, dx);
    const wantDx = new Float32Array(x.length);
    wantArg.forEach((j, o) => { wantDx[j] = g[o]; });
    assert.deepEqual(dx, wantDx, `${k.name} pool ${h}×${w} dx`);
  }
}

test('fallback BatchNorm+ReLU kernels match a float64 reference', () => checkBn(fallbackKernels));
test('native BatchNorm+ReLU kernels match a float64 reference', { skip: skipNative }, () => checkBn(native!));
test('fallback 2×2 max-pool forward/backward match a direct loop', () => checkPool(fallbackKernels));
test('native 2×2 max-pool forward/backward match a direct loop', { skip: skipNative }, () => checkPool(native!));

test('native and fallback layer kernels agree', { skip: skipNative }, () => {
  const rows = 4 * 14 * 14, c = 64, x = rand(rows * c, 9), dy = rand(rows * c, 10), gamma = rand(c, 11), beta = rand(c, 12);
  const a = bnRelu(native!, x, dy, rows, c, gamma, beta, 1e-5), b = bnRelu(fallbackKernels, x, dy, rows, c, gamma, beta, 1e-5);
  for (const key of ['mean', 'vr', 'y', 'dx', 'dg', 'db'] as const) close(a[key], b[key], `native vs fallback ${key}`, 1e-4);
});

for (const k of [fallbackKernels, native]) {
  test(`${k?.name ?? 'native'} layer kernels refuse arrays shorter than the shape, naming the argument`, { skip: !k && skipNative }, () => {
    const x = new Float32Array(10), c4 = new Float32Array(4);
    assert.throws(() => k!.channelMoments(x, 3, 4, c4, c4), /channelMoments: x has 10 values, the shape needs 12/);
    assert.throws(() => k!.scaleShiftRelu(x, 2, 5, c4, new Float32Array(5), x), /scaleShiftRelu: scale has 4 values, the shape needs 5/);
    assert.throws(() => k!.maxPool2x2Forward(x, 1, 2, 2, 2, new Float32Array(2), new Int32Array(1)), /maxPool2x2Forward: argmax has 1 values, the shape needs 2/);
    assert.throws(() => k!.maxPool2x2Backward(c4, Int32Array.of(0, 1, 99, 2), 1, 2, 2, 4, new Float32Array(16)), /argmax index (99 )?out of range/);
    assert.throws(() => k!.channelMoments(x, -1, 2, c4, c4), /rows must be a non-negative integer/);
  });
}
