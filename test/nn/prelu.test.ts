import { test } from 'node:test';
import assert from 'node:assert/strict';
import { preluBackward, preluForward } from '../../src/nn/prelu.js';
import { checkFd, dot, rand } from './grad-check.js';

test('PReLU: per-channel slope on the negative side; backward matches finite differences, also in place', () => {
  const x = Float32Array.of(1, -2, 0.5, -1, 3, 0), slope = Float32Array.of(0.25, 0.5, 2), y = new Float32Array(6);
  preluForward(x, 2, 3, slope, y);
  assert.deepEqual(Array.from(y), [1, -1, 0.5, -0.25, 3, 0]);
  const rows = 4, c = 3, xs = rand(rows * c, 3), r = rand(rows * c, 4), s = Float32Array.of(0.25, -0.1, 0.7);
  const out = new Float32Array(rows * c);
  const loss = () => { preluForward(xs, rows, c, s, out); return dot(out, r); };
  const dx = new Float32Array(rows * c), dSlope = new Float32Array(c);
  preluBackward(xs, r, rows, c, s, dx, dSlope);
  checkFd('dx', xs, dx, loss, 1e-3);
  checkFd('dSlope', s, dSlope, loss, 1e-3);
  const inPlace = Float32Array.from(r);
  preluBackward(xs, inPlace, rows, c, s, inPlace, new Float32Array(c));
  assert.deepEqual(inPlace, dx);
  assert.throws(() => preluForward(x, 2, 3, Float32Array.of(1), y), /preluForward: slope has 1 values, 2 rows × 3 channels need 3/);
});
