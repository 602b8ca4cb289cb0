import { test } from 'node:test';
import assert from 'node:assert/strict';
import { heldOutEdges, heldOutScores } from '../../src/eval/held-out-scores.js';
import { clusteringMetrics } from '../../src/eval/clustering-metrics.js';
import { Random } from '../../src/data/random.js';

test('held-out scores by hand: a pool item in a held-out cluster is a wrong merge, −1 a singleton, pool–pool pairs unjudged', () => {
  // pool items 0, 1, 2 (classes unknown); held-out items 3, 4 (class 7), 5, 6 (class 8)
  const pred = [0, 0, 1, 0, 0, 1, -1];
  const s = heldOutScores(pred, [7, 7, 8, 8]);
  // BCubed: items 3, 4 share cluster 0 with two pool items (P ½, R 1); 5 is with one pool item (P ½, R ½); 6 alone (P 1, R ½)
  assert.equal(s.bcubed.precision, (0.5 + 0.5 + 0.5 + 1) / 4);
  assert.equal(s.bcubed.recall, (1 + 1 + 0.5 + 0.5) / 4);
  // pairs with a held-out item: cluster 0 has 6 pairs, one of them pool–pool; cluster 1 one; true positives: (3, 4)
  assert.equal(s.pairwise.precision, 1 / 6);
  assert.equal(s.pairwise.recall, 1 / 2);
  assert.equal(s.numItems, 4);
  assert.equal(s.numMixed, 3);
});

test('with no pool, held-out scores are the usual pairwise and BCubed scores (every item counted)', () => {
  const rng = new Random(4);
  const truth = Int32Array.from({ length: 300 }, () => rng.int(20));
  const pred = Int32Array.from({ length: 300 }, () => rng.int(30) - 1);
  const s = heldOutScores(pred, truth);
  const m = clusteringMetrics(truth, pred);
  for (const k of ['precision', 'recall', 'fscore'] as const) {
    assert.ok(Math.abs(s.bcubed[k] - m.bcubed[k]) < 1e-12, `BCubed ${k}`);
    assert.ok(Math.abs(s.pairwise[k] - m.pairwise[k]) < 1e-12, `pairwise ${k}`);
  }
});

test('held-out scores refuse more held-out labels than clustered items', () => {
  assert.throws(() => heldOutScores([0, 1], [0, 0, 1]), /3 held-out labels for 2 clustered items/);
});

test('held-out edges: those with a held-out end, same class only when both ends are held-out of one class', () => {
  // items 0, 1 pool; 2, 3 class 5; 4 class 6
  const edges = Int32Array.from([0, 1, 0, 2, 2, 3, 3, 4, 1, 4]);
  const r = heldOutEdges(edges, 5, [5, 5, 6]);
  assert.deepEqual(Array.from(r.index), [1, 2, 3, 4]);
  assert.deepEqual(Array.from(r.same), [0, 1, 0, 0]);
});
