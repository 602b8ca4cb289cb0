import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fallbackKernels, kernels, type Kernels } from '../../src/compute/index.js';
import { Random } from '../../src/data/random.js';
import { smallCnnModel } from '../../src/models/small-cnn.js';
import { checkFd, dot, rand } from './grad-check.js';


const native = kernels().name === 'native' ? kernels() : undefined;
const skipNative = !native && 'native addon not built (needs libopenblas-dev) or FACET_NATIVE=0';

const layout = (size: number) => {
  const m = smallCnnModel(size, size, 1, 8, new Random(1), { kernels: fallbackKernels });
  return Object.fromEntries([...m.params].map(([k, v]) => [k, v.shape]));
};

test('small CNN: three conv+BN+ReLU+pool blocks (32, 64, 128 ch); 28×28 and 32×32 flatten, bigger images average-pool', () => {
  const l28 = layout(28);
  assert.deepEqual(l28['conv0.w'], [3, 3, 1, 32]);
  assert.deepEqual(l28['conv2.w'], [3, 3, 64, 128]);
  assert.deepEqual(l28['bn1.mean'], [64]);
  assert.deepEqual(l28['embed.w'], [3 * 3 * 128, 8]); // 28 → 14 → 7 → 3
  assert.deepEqual(layout(32)['embed.w'], [4 * 4 * 128, 8]);
  assert.deepEqual(layout(64)['embed.w'], [128, 8]);
  assert.deepEqual(layout(5)['embed.w'], [128, 8]); // 5 → 2 → 1, the third pool skipped
  const m = smallCnnModel(8, 8, 1, 8, new Random(1));
  assert.deepEqual([...m.params].filter(([, v]) => !v.grad).map(([k]) => k), ['bn0.mean', 'bn0.var', 'bn1.mean', 'bn1.var', 'bn2.mean', 'bn2.var']);
});

/** The whole model's gradients (through trainForward/backward) against finite differences. */
function checkModel(k: Kernels): void {
  const B = 3, S = 8, d = 6;
  const m = smallCnnModel(S, S, 2, d, new Random(4), { kernels: k });
  // gamma and beta off their 1/0 init, so their gradients and the affine part are exercised
  for (const [name, v] of m.params) {
    if (name.endsWith('.gamma')) v.value.set(rand(v.value.length, 7).map((u) => 1 + 0.5 * u));
    if (name.endsWith('.beta')) v.value.set(rand(v.value.length, 8, 0.3));
  }
  const x = rand(B * S * S * 2, 9), r = rand(B * d, 10);
  const f = m.trainForward(x, B);
  const grads = f.backward(r);
  assert.deepEqual([...grads.keys()].sort(), [...m.params].filter(([, v]) => v.grad).map(([n]) => n).sort());
  for (const [name, g] of grads) {
    const v = m.params.get(name)!;
    // checkFd perturbs the parameter's own values in place
    const loss = () => dot(m.trainForward(x, B).embedding, r);
    checkFd(`${k.name} small CNN d${name}`, v.value, g.slice(), loss, 1e-3, 1e-2, 8);
  }
}

test('fallback small CNN: every trainable gradient matches finite differences', () => checkModel(fallbackKernels));
test('native small CNN: every trainable gradient matches finite differences', { skip: skipNative }, () => checkModel(native!));

test('small CNN: training updates the BN running statistics; forward (eval) agrees with trainForward given the batch statistics', () => {
  const B = 4, S = 8;
  const m = smallCnnModel(S, S, 1, 5, new Random(5), { momentum: 1 });
  const x = rand(B * S * S, 11);
  const train = m.trainForward(x, B).embedding.slice();
  // momentum 1: the running statistics are the batch's mean and unbiased variance; make the variance biased
  const rows = [B * 64, B * 16, B * 4];
  for (let l = 0; l < 3; l++) {
    const mean = m.params.get(`bn${l}.mean`)!.value, v = m.params.get(`bn${l}.var`)!.value;
    assert.ok(mean.some((u) => u !== 0), `bn${l}.mean was updated`);
    for (let i = 0; i < v.length; i++) v[i] *= (rows[l] - 1) / rows[l];
  }
  const evalOut = m.forward(x, B);
  for (let i = 0; i < train.length; i++) assert.ok(Math.abs(evalOut[i] - train[i]) <= 1e-4 + 1e-3 * Math.abs(train[i]), `${i}: ${evalOut[i]} vs ${train[i]}`);
  // momentum 0.1 (default): running mean = 0.1 · batch mean after one step from 0
  const m2 = smallCnnModel(S, S, 1, 5, new Random(5)), m1 = smallCnnModel(S, S, 1, 5, new Random(5), { momentum: 1 });
  m2.trainForward(x, B);
  m1.trainForward(x, B);
  const a = m2.params.get('bn0.mean')!.value, b = m1.params.get('bn0.mean')!.value;
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - 0.1 * b[i]) < 1e-6);
});

test('small CNN: native and fallback engines give the same embeddings and gradients', { skip: skipNative }, () => {
  const B = 6, S = 28;
  const a = smallCnnModel(S, S, 1, 16, new Random(6), { kernels: native }), b = smallCnnModel(S, S, 1, 16, new Random(6), { kernels: fallbackKernels });
  const x = rand(B * S * S, 12), r = rand(B * 16, 13);
  const fa = a.trainForward(x, B), fb = b.trainForward(x, B);
  const near = (p: ArrayLike<number>, q: ArrayLike<number>, what: string, scale: number) => {
    for (let i = 0; i < p.length; i++) assert.ok(Math.abs(p[i] - q[i]) <= 1e-3 * scale, `${what}[${i}]: ${p[i]} vs ${q[i]}`);
  };
  near(fa.embedding, fb.embedding, 'embedding', 1);
  const ga = fa.backward(r), gb = fb.backward(r);
  for (const [name, g] of ga) near(g, gb.get(name)!, name, Math.max(...gb.get(name)!.map(Math.abs)));
});

test('small CNN: bad inputs are refused with clear errors', () => {
  assert.throws(() => smallCnnModel(3, 8, 1, 4, new Random(1)), /small CNN: images must be at least 4×4, got 3×8/);
  const m = smallCnnModel(8, 8, 1, 4, new Random(1));
  assert.throws(() => m.trainForward(new Float32Array(100), 2), /small CNN: 100 input values is not 2 samples of \[8, 8, 1\]/);
  assert.throws(() => m.forward(new Float32Array(2 * 8 * 8 * 3), 2), /small CNN: 384 input values is not 2 samples of \[8, 8, 1\]/);
  // 4×4 → 2×2 → 1×1: one image leaves the last BatchNorm a single value per channel
  assert.throws(() => smallCnnModel(4, 4, 1, 4, new Random(1)).trainForward(new Float32Array(16), 1), /bn2: training BatchNorm needs more than one value per channel, got 1/);
  const f = m.trainForward(new Float32Array(128), 2);
  assert.throws(() => f.backward(new Float32Array(3)), /small CNN: embedding gradient has 3 values, expected 2×4/);
});
