import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goldenCases, assertGolden } from '../helpers/golden.js';
import { goldenPropagation } from '../../src/cluster/golden.js';
import { cdpPropagation, naanPropagation, propagate } from '../../src/cluster/propagation.js';

for (const c of goldenCases('propagation')) {
  test(`golden ${c.id}: CDP and NAAN partitions, labels, thresholds and trace`, () => {
    // integers exact, thresholds at the float64 tolerance of the fixtures README
    assertGolden(goldenPropagation(c.inputs), c.outputs, 1e-9, 1e-10);
  });
}

test('a component of exactly max size is kept, one larger is split by the threshold', () => {
  // chain 0-1-2 (weak) and chain 3-4-5-6 where 4-5 is weak
  const edges = Int32Array.from([0, 1, 1, 2, 3, 4, 4, 5, 5, 6]);
  const scores = [0.1, 0.1, 0.9, 0.2, 0.9];
  const r = propagate(8, edges, scores, { maxSize: 3, step: 0.5, maxIter: 10 });
  assert.deepEqual(Array.from(r.labels), [0, 0, 0, 1, 1, 2, 2, -1]);
  assert.equal(r.iterations, 1);
  assert.equal(r.finalThreshold, 0.1 + 0.9 * 0.5);
});

test('bad input is refused with a clear message', () => {
  assert.throws(() => propagate(3, Int32Array.from([0, 3]), [0.5], { maxSize: 2, step: 0.5, maxIter: 5 }), /names node 3, outside 0…2/);
  assert.throws(() => propagate(3, Int32Array.from([0, 1]), [0.5, 0.2], { maxSize: 2, step: 0.5, maxIter: 5 }), /1 edges but 2 scores/);
  assert.throws(() => propagate(3, Int32Array.from([0, 1]), [NaN], { maxSize: 2, step: 0.5, maxIter: 5 }), /score of edge 0 is NaN/);
  assert.throws(() => propagate(3, Int32Array.from([0, 1]), [0.5], { maxSize: 2, step: 0, maxIter: 5 }), /step must be in/);
});

test('CDP and NAAN presets: CDP starts at the minimum score, NAAN at 0.8 (first round 0.92)', () => {
  // 700 nodes in one chain (> 600): one weak link at 0.9 splits it at NAAN's 0.92, not at CDP's 0.5 + 0.5·0.05
  const n = 700;
  const edges = new Int32Array(2 * (n - 1));
  const scores = new Float64Array(n - 1).fill(1);
  for (let i = 0; i < n - 1; i++) { edges[2 * i] = i; edges[2 * i + 1] = i + 1; }
  scores[349] = 0.9;
  scores[0] = 0.5;
  const naan = naanPropagation(n, edges, scores);
  assert.equal(naan.trace[1].th, 0.92);
  assert.equal(naan.numClusters, 3); // node 0 cut off by its 0.5 link, then 1…349 and 350…699
  const cdp = cdpPropagation(n, edges, scores, { maxIter: 2 });
  assert.equal(cdp.trace[1].th, 0.5 + 0.5 * 0.05);
  assert.equal(cdp.forcedStop, true);
});

test('dropping the edges below the start threshold before the first pass: a weak link no longer joins two clusters', () => {
  // 0-1-2 and 3-4 strongly linked, 2-3 weakly; every component fits max size 5
  const edges = Int32Array.from([0, 1, 1, 2, 3, 4, 2, 3]);
  const scores = [0.9, 0.9, 0.9, 0.1];
  const o = { maxSize: 5, step: 0.5, maxIter: 10, startThreshold: 0.5 };
  assert.deepEqual(Array.from(propagate(5, edges, scores, o).labels), [0, 0, 0, 0, 0], 'the first pass takes every edge');
  const dropped = propagate(5, edges, scores, { ...o, dropBelowStart: true });
  assert.deepEqual(Array.from(dropped.labels), [0, 0, 0, 1, 1]);
  assert.equal(dropped.iterations, 0);
  // a node whose every edge is dropped is its own cluster
  assert.deepEqual(Array.from(propagate(3, Int32Array.from([0, 1, 1, 2]), [0.9, 0.2], { ...o, dropBelowStart: true }).labels), [0, 0, 1]);
  assert.throws(() => propagate(2, Int32Array.from([0, 1]), [0.5], { maxSize: 2, step: 0.5, maxIter: 5, dropBelowStart: true }), /needs a start threshold/);
});
