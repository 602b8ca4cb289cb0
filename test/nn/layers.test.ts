import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fallbackKernels, kernels, type Kernels } from '../../src/compute/index.js';
import { BatchNorm, Conv2d, GlobalAvgPool, Linear, MaxPool, Sequential, type Layer } from '../../src/nn/index.js';
import { checkLayer, rand } from './grad-check.js';

const native = kernels().name === 'native' ? kernels() : undefined;
const skipNative = !native && 'native addon not built (needs libopenblas-dev) or FACET_NATIVE=0';

/** Perturbs BatchNorm's gamma/beta off their 1/0 init so the check exercises them. */
function bn(name: string, shape: number[], k: Kernels): BatchNorm {
  const l = new BatchNorm(name, shape, { relu: true }, k);
  l.gamma.value.set(rand(shape[2], 77).map((v) => 1 + 0.5 * v));
  l.beta.value.set(rand(shape[2], 78, 0.3));
  return l;
}

const layers: [string, (k: Kernels) => Layer][] = [
  ['conv 3×3 same', (k) => new Conv2d('conv', [5, 4, 3], 4, rand(3 * 3 * 3 * 4, 3, 0.5), {}, k)],
  ['BatchNorm+ReLU', (k) => bn('bn', [4, 3, 5], k)],
  ['2×2 max-pool (odd sizes)', (k) => new MaxPool('pool', [5, 7, 3], { size: 2, stride: 2 }, k)],
  ['global average pool', () => new GlobalAvgPool('gap', [3, 2, 4])],
  ['linear', (k) => new Linear('fc', [2, 2, 3], 5, rand(12 * 5, 4, 0.5), k)],
  ['conv + BN+ReLU + pool + linear', (k) => new Sequential('net', [
    new Conv2d('c', [6, 6, 2], 3, rand(3 * 3 * 2 * 3, 5, 0.5), {}, k), bn('b', [6, 6, 3], k), new MaxPool('p', [6, 6, 3], { size: 2, stride: 2 }, k),
    new Linear('fc', [3, 3, 3], 4, rand(27 * 4, 6, 0.3), k),
  ])],
];

for (const [name, make] of layers) {
  test(`fallback engine: ${name} backward matches finite differences`, () => checkLayer(make(fallbackKernels), 3, 11));
  test(`native engine: ${name} backward matches finite differences`, { skip: skipNative }, () => checkLayer(make(native!), 3, 11));
}

test('BatchNorm: running statistics move by momentum 0.1 with unbiased variance; evaluation uses them', () => {
  const l = new BatchNorm('bn', [2, 2, 1], { relu: true }, fallbackKernels);
  const x = Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8); // 2 images × 4 positions × 1 channel: mean 4.5, unbiased var 6
  l.forward(x, 2, true);
  assert.ok(Math.abs(l.runningMean.value[0] - 0.45) < 1e-6);
  assert.ok(Math.abs(l.runningVar.value[0] - (0.9 + 0.6)) < 1e-6);
  const train = Float32Array.from(l.forward(x, 2, true));
  l.runningMean.value[0] = 4.5;
  l.runningVar.value[0] = 5.25; // the batch's biased variance: evaluation then normalises as training did
  const evalOut = l.forward(x, 2, false);
  for (let i = 0; i < 8; i++) assert.ok(Math.abs(train[i] - evalOut[i]) < 1e-4, `${i}: ${train[i]} vs ${evalOut[i]}`);
  assert.throws(() => l.backward(new Float32Array(8), true), /bn: backward needs a training forward first/);
  assert.throws(() => l.forward(Float32Array.of(1), 1, true), /input has 1 values, 1 samples of \[2, 2, 1\] need 4/);
  assert.throws(() => new BatchNorm('bn1', [1, 1, 2]).forward(Float32Array.of(1, 2), 1, true), /more than one value per channel/);
});

test('layers refuse bad shapes with clear errors', () => {
  assert.throws(() => new MaxPool('pool', [1, 4, 2], { size: 2, stride: 2 }), /pool: a 2×2 window does not fit a 1×4 input padded by 0/);
  assert.throws(() => new Conv2d('conv', [4, 4], 2, new Float32Array(8)), /conv: input shape must be \[h, w, c\]/);
  assert.throws(() => new Linear('fc', [3], 2, new Float32Array(5)), /fc.w: 5 values for shape \[3, 2\]/);
  assert.throws(() => new Sequential('net', [new MaxPool('p', [4, 4, 2], { size: 2, stride: 2 }), new Linear('fc', [9], 2, new Float32Array(18))]), /p gives \[2, 2, 2\] but fc takes \[9\]/);
  const fc = new Linear('fc', [3], 2, new Float32Array(6), fallbackKernels);
  fc.forward(new Float32Array(6), 2, true);
  assert.throws(() => fc.backward(new Float32Array(3), true), /fc: output gradient has 3 values, expected 4/);
  assert.throws(() => fc.forward(new Float32Array(6), 0, true), /batch must be a positive integer/);
});

test('native and fallback engines give the same outputs and gradients', { skip: skipNative }, () => {
  const build = (k: Kernels) => new Sequential('net', [
    new Conv2d('c0', [12, 12, 3], 16, rand(3 * 3 * 3 * 16, 1, 0.4), {}, k), new BatchNorm('b0', [12, 12, 16], { relu: true }, k), new MaxPool('p0', [12, 12, 16], { size: 2, stride: 2 }, k),
    new Conv2d('c1', [6, 6, 16], 8, rand(3 * 3 * 16 * 8, 2, 0.2), {}, k), new BatchNorm('b1', [6, 6, 8], { relu: true }, k), new GlobalAvgPool('g', [6, 6, 8]),
    new Linear('fc', [8], 5, rand(40, 3, 0.5), k),
  ]);
  const a = build(native!), b = build(fallbackKernels), x = rand(4 * 12 * 12 * 3, 4), r = rand(20, 5);
  const ya = Float32Array.from(a.forward(x, 4, true)), yb = b.forward(x, 4, true);
  const da = Float32Array.from(a.backward(r, true)!), db = b.backward(r, true)!;
  const near = (p: ArrayLike<number>, q: ArrayLike<number>, what: string) => {
    for (let i = 0; i < p.length; i++) assert.ok(Math.abs(p[i] - q[i]) <= 1e-4 + 1e-3 * Math.abs(q[i]), `${what}[${i}]: ${p[i]} vs ${q[i]}`);
  };
  near(ya, yb, 'output');
  near(da, db, 'dx');
  for (const [name, g] of a.grads()) near(g, b.grads().get(name)!, name);
});
