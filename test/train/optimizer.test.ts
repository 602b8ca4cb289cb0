import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyOptimizerState, optimizerUpdate, type OptimizerOptions } from '../../src/nn/optimizer.js';
import { multiStepLr } from '../../src/train/schedule.js';

const base: OptimizerOptions = { kind: 'adam', weightDecay: 0.1, momentum: 0.9, beta1: 0.9, beta2: 0.999, eps: 1e-8 };

test('Adam with coupled L2 matches torch.optim.Adam by hand for two steps', () => {
  const p = Float32Array.of(1, -2);
  const g = Float32Array.of(0.5, 0.25);
  const st = emptyOptimizerState();
  const ref = [1, -2];
  const m = [0, 0], v = [0, 0];
  for (let t = 1; t <= 2; t++) {
    st.step++;
    optimizerUpdate('p', p, g, 0.01, base, st);
    for (let i = 0; i < 2; i++) {
      const gi = g[i] + 0.1 * ref[i];
      m[i] = 0.9 * m[i] + 0.1 * gi;
      v[i] = 0.999 * v[i] + 0.001 * gi * gi;
      ref[i] -= (0.01 / (1 - 0.9 ** t)) * m[i] / (Math.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8);
    }
  }
  for (let i = 0; i < 2; i++) assert.ok(Math.abs(p[i] - ref[i]) < 1e-6, `${p[i]} vs ${ref[i]}`);
});

test('SGD with momentum: the first step is plain SGD, then the buffer accumulates', () => {
  const p = Float32Array.of(1);
  const st = emptyOptimizerState();
  const o = { ...base, kind: 'sgd' as const, weightDecay: 0 };
  st.step++; optimizerUpdate('p', p, Float32Array.of(1), 0.1, o, st);
  st.step++; optimizerUpdate('p', p, Float32Array.of(1), 0.1, o, st);
  assert.ok(Math.abs(p[0] - (1 - 0.1 - 0.19)) < 1e-6, String(p[0]));
});

test('MultiStep schedule as the reference: 1e-4, ×0.2 at epochs 40, 60, 80', () => {
  assert.equal(multiStepLr(1e-4, [40, 60, 80], 0.2, 39), 1e-4);
  assert.ok(Math.abs(multiStepLr(1e-4, [40, 60, 80], 0.2, 40) - 2e-5) < 1e-12);
  assert.ok(Math.abs(multiStepLr(1e-4, [40, 60, 80], 0.2, 85) - 8e-7) < 1e-15);
});

test('a gradient of the wrong size is refused', () => {
  assert.throws(() => optimizerUpdate('dense0.w', new Float32Array(3), new Float32Array(2), 0.1, base, emptyOptimizerState()), /parameter dense0.w has 3 values, gradient 2/);
});
