import test from 'node:test';
import assert from 'node:assert/strict';
import { denseLabels, firstAppearance } from '../../src/eval/dense-labels.js';

test('denseLabels: ids by first appearance, counts and sizes; table and map paths agree', () => {
  const small = denseLabels(Int32Array.from([7, 3, 7, -1, 3, 9]));
  assert.deepEqual(Array.from(small.ids), [0, 1, 0, 2, 1, 3]);
  assert.equal(small.count, 4);
  assert.deepEqual(Array.from(small.sizes), [2, 2, 1, 1]);
  // a range far beyond the table's slack takes the Map path
  const wide = denseLabels([2e9, -2e9, 2e9, 5]);
  assert.deepEqual(Array.from(wide.ids), [0, 1, 0, 2]);
  assert.equal(denseLabels([]).count, 0);
});

test('denseLabels keepUnassigned / firstAppearance: −1 stays −1 and is not counted', () => {
  const d = denseLabels([-1, 5, -1, 2, 5], { keepUnassigned: true });
  assert.deepEqual(Array.from(d.ids), [-1, 0, -1, 1, 0]);
  assert.equal(d.count, 2);
  assert.deepEqual(Array.from(d.sizes), [2, 1]);
  assert.deepEqual(Array.from(firstAppearance(Int32Array.from([4, -1, 4, 1]))), [0, -1, 0, 1]);
  assert.deepEqual(Array.from(firstAppearance(Int32Array.from([-1, -1]))), [-1, -1]);
  assert.deepEqual(Array.from(firstAppearance([3e9, -1, 1]) ), [0, -1, 1]);
});
