import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fallbackKernels, kernels, type Kernels } from '../../src/compute/index.js';
import { rand } from '../nn/grad-check.js';

const native = kernels().name === 'native' ? kernels() : undefined;

/** Three Adam / AdamW steps of `k` on the same start (with weight decay, so both decay forms are exercised). */
function steps(k: Kernels, decoupled: boolean): Float32Array[] {
  const n = 100_003; // odd, and long enough to be split over threads
  const p = rand(n, 1), m = new Float32Array(n), v = new Float32Array(n);
  const lr = 1e-3, wd = 5e-4, b1 = 0.9, b2 = 0.999;
  for (let t = 1; t <= 3; t++) {
    const g = rand(n, 10 + t, 0.1);
    k.adamUpdate(p, g, m, v, n, { stepSize: lr / (1 - b1 ** t), beta1: b1, beta2: b2, eps: 1e-8, bc2: 1 - b2 ** t, weightDecay: wd, shrink: 1 - lr * wd, decoupled });
  }
  return [p, m, v];
}

test('Adam and AdamW updates: native and fallback agree bit for bit', { skip: !native && 'native addon not built' }, () => {
  for (const decoupled of [false, true]) assert.deepEqual(steps(native!, decoupled), steps(fallbackKernels, decoupled), `decoupled ${decoupled}`);
});

test('the Adam update follows torch.optim.Adam\'s formula on one value', () => {
  // step 1 from zero moments: m = (1−β₁)g, v = (1−β₂)g², p −= lr·(m/(1−β₁)) / (√(v/(1−β₂)) + eps) = lr·g/(|g| + eps)
  for (const k of [fallbackKernels, ...(native ? [native] : [])]) {
    const p = Float32Array.of(1, -2), g = Float32Array.of(0.5, -0.25), m = new Float32Array(2), v = new Float32Array(2);
    k.adamUpdate(p, g, m, v, 2, { stepSize: 0.01 / 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, bc2: 0.001, weightDecay: 0, shrink: 1, decoupled: false });
    assert.ok(Math.abs(p[0] - (1 - 0.01 * 0.5 / (0.5 + 1e-8))) < 1e-6, `${k.name} p[0] ${p[0]}`);
    assert.ok(Math.abs(p[1] - (-2 + 0.01)) < 1e-6, `${k.name} p[1] ${p[1]}`);
    assert.throws(() => k.adamUpdate(p, g.subarray(1), m, v, 2, { stepSize: 1, beta1: 0.9, beta2: 0.999, eps: 1e-8, bc2: 1, weightDecay: 0, shrink: 1, decoupled: false }), /adamUpdate: g has 1 values, the shape needs 2/);
  }
});
