import { test } from 'node:test';
import assert from 'node:assert/strict';
import { softmaxCrossEntropy } from '../../src/nn/softmax-cross-entropy.js';
import { checkFd, rand } from './grad-check.js';

test('softmax cross-entropy: mean of −log p(target) over rows; dLogits matches finite differences', () => {
  // row 0: logits (0, ln 3) → p = (1/4, 3/4), target 1; row 1: equal logits, target 0 → p = 1/2
  const loss = softmaxCrossEntropy(Float32Array.of(0, Math.log(3), 5, 5), 2, 2, Int32Array.of(1, 0));
  assert.ok(Math.abs(loss - (-Math.log(0.75) - Math.log(0.5)) / 2) < 1e-6, `${loss}`);
  const logits = rand(12, 8, 3), t = Int32Array.of(2, 0, 1, 2), d = new Float32Array(12);
  softmaxCrossEntropy(logits, 4, 3, t, d);
  checkFd('dLogits', logits, d, () => softmaxCrossEntropy(logits, 4, 3, t), 1e-3, 1e-2);
  // large logits stay finite (log-sum-exp)
  assert.ok(Number.isFinite(softmaxCrossEntropy(Float32Array.of(1000, -1000), 1, 2, Int32Array.of(1))));
  assert.throws(() => softmaxCrossEntropy(logits, 4, 3, Int32Array.of(0, 3, 0, 0)), /target 3 of row 1 is not a class in 0…2/);
  assert.throws(() => softmaxCrossEntropy(logits, 4, 3, Int32Array.of(0)), /1 targets for 4 rows/);
});
