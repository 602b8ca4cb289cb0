import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goldenCases, assertGolden } from '../helpers/golden.js';
import { goldenMetrics, goldenRecall } from '../../src/eval/golden.js';
import { evaluateRetrieval } from '../../src/eval/retrieval.js';
import { clusteringMetrics } from '../../src/eval/clustering.js';

for (const c of goldenCases('recall')) {
  test(`golden ${c.id}: Recall@K hits exact, reference float32 percentages at rtol 1e-6`, () => {
    const got = goldenRecall(c.inputs);
    assert.deepEqual(got.hits, c.outputs.hits);
    assert.equal(got.num_queries, c.outputs.num_queries);
    assertGolden(got.recall, c.outputs.recall, 1e-6, 0);
    assertGolden(got.recall_exact, c.outputs.recall_exact, 1e-9, 1e-10);
  });
}

for (const c of goldenCases('metrics')) {
  test(`golden ${c.id}: pairwise, BCubed, NMI, −1 handling and singleton removal (float64 tolerance)`, () => {
    assertGolden(goldenMetrics(c.inputs), c.outputs, 1e-9, 1e-10);
  });
}

test('an exact duplicate of the query ranks first among the others (leave-one-out)', () => {
  const data = Float32Array.from([1, 0, 1, 0, 0.6, 0.8, 0, 1]);
  const r = evaluateRetrieval({ query: { data, rows: 4, cols: 2 }, queryLabels: [0, 0, 1, 1] }, { ks: [1] });
  assert.deepEqual(r.hits, [4]); // the duplicates 0 and 1 find each other, not themselves; 2 and 3 find each other
  const other = evaluateRetrieval({ query: { data, rows: 4, cols: 2 }, queryLabels: [0, 1, 1, 1] }, { ks: [1] });
  assert.deepEqual(other.hits, [2]); // 0 and 1 are each other's nearest, and now that is a miss
});

test('retrieval bad input: K larger than the gallery, NaN embeddings, label count', () => {
  const q = { data: Float32Array.from([1, 0, 0, 1, 1, 1]), rows: 3, cols: 2 };
  assert.throws(() => evaluateRetrieval({ query: q, queryLabels: [0, 0, 1] }, { ks: [3] }), /K = 3 is larger than the gallery \(2 items, leave-one-out\)/);
  assert.throws(() => evaluateRetrieval({ query: q, queryLabels: [0, 1] }, { ks: [1] }), /2 labels for 3 embeddings/);
  assert.throws(() => evaluateRetrieval({ query: { ...q, data: Float32Array.from([1, NaN, 0, 1, 1, 1]) }, queryLabels: [0, 0, 1] }, { ks: [1] }), /NaN/);
});

test('clustering: length mismatch is refused; singletons removed reports the discard ratio', () => {
  assert.throws(() => clusteringMetrics([0, 1], [0]), /gt has 2 entries but pred has 1/);
  const m = clusteringMetrics([0, 0, 1, 1, 2], [5, 5, 7, 7, -1], { removeSingletons: true });
  assert.ok(Math.abs(m.discardRatio - 0.2) < 1e-12);
  assert.equal(m.bcubed.fscore, 1);
  assert.equal(m.numItems, 4);
});
