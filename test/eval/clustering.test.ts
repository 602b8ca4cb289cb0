import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusteringMetrics, scoreClustering } from '../../src/eval/clustering-metrics.js';
import { minus1AsSingletons } from '../../src/eval/unassigned.js';

test('-1 labels: each its own cluster by default, dropped with removeSingletons', () => {
  const gt = [0, 0, 0, 1, 1, 1];
  const pred = [5, 5, -1, 8, 8, -1];
  const plain = clusteringMetrics(gt, pred);
  assert.equal(plain.protocol, 'minus1-as-singletons');
  assert.match(plain.note, /each -1 label counts as its own cluster/);
  assert.equal(plain.numPredClusters, 4);
  assert.equal(plain.numUnassigned, 2);
  assert.equal(plain.bcubed.precision, 1);
  const removed = clusteringMetrics(gt, pred, { removeSingletons: true });
  assert.equal(removed.numItems, 4);
  assert.ok(Math.abs(removed.discardRatio - 1 / 3) < 1e-15);
  assert.equal(removed.pairwise.fscore, 1);
  assert.equal(removed.numSingletonsBeforeRemoval, 2);
  assert.deepEqual(Array.from(minus1AsSingletons(pred)), [0, 0, 2, 1, 1, 3]);
});

test('label values do not matter: huge, negative and sparse labels give the same scores', () => {
  const gt = [3, 3, 9, 9, 9, 4];
  const pred = [1, 1, 1, 2, 2, 7];
  const a = scoreClustering(gt, pred);
  const b = scoreClustering(gt.map((x) => x * 1e8 - 5), pred.map((x) => -x * 123457));
  assert.deepEqual(a, b);
  assert.equal(a.numSingletons, 1);
});

test('linear time: 2 M labels in well under the time a quadratic method would take', () => {
  const n = 2_000_000;
  const gt = new Int32Array(n);
  const pred = new Int32Array(n);
  for (let i = 0; i < n; i++) { gt[i] = Math.floor(i / 7); pred[i] = i % 13 === 0 ? -1 : Math.floor(i / 9); }
  const t0 = Date.now();
  const m = clusteringMetrics(gt, pred);
  assert.ok(Date.now() - t0 < 10_000);
  assert.equal(m.numItems, n);
  assert.ok(m.bcubed.precision > 0 && m.bcubed.precision <= 1);
});

test('bad input: length mismatch, empty, non-integer labels', () => {
  assert.throws(() => clusteringMetrics([0, 1], [0]), /gt has 2 entries but pred has 1/);
  assert.throws(() => clusteringMetrics([], []), /gt is empty/);
  assert.throws(() => clusteringMetrics([0, 1.5], [0, 1]), /gt\[1\] = 1.5 is not an integer label/);
});
