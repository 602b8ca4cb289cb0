import test from 'node:test';
import assert from 'node:assert/strict';
import { l2NormalizeRows, rowNorms } from '../../src/eval/normalize.js';

test('l2NormalizeRows: x / max(‖x‖, 1e-12), zero rows stay zero, norms before the floor, in place', () => {
  const x = Float32Array.from([3, 4, 0, 0, 1e-30, 0]);
  const norms = new Float64Array(3);
  const out = l2NormalizeRows(x, 3, 2, { norms });
  assert.deepEqual(Array.from(out), [0.6, 0.8, 0, 0, Math.fround(Math.fround(1e-30) * 1e12), 0].map(Math.fround));
  assert.deepEqual(Array.from(norms), [5, 0, Math.fround(1e-30)]);
  assert.deepEqual(Array.from(rowNorms(x, 3, 2)), Array.from(norms));
  const same = l2NormalizeRows(x, 3, 2, { out: x });
  assert.equal(same, x);
  assert.deepEqual(Array.from(x.subarray(0, 2)), [0.6, 0.8].map(Math.fround));
});
