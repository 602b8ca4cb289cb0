import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertGolden, goldenCases } from '../helpers/golden.js';
import { goldenMetrics, goldenRecall } from '../../src/eval/golden.js';

const roundTrip = (x: unknown): unknown => JSON.parse(JSON.stringify(x, (_k, v) =>
  ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : typeof v === 'number' && !Number.isFinite(v) ? null : v));

for (const c of goldenCases('recall')) {
  test(`golden ${c.id}: hits exact, recall as the reference's float32 mean`, () => {
    const got = roundTrip(goldenRecall(c.inputs)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(got).sort(), Object.keys(c.outputs).sort());
    assert.deepEqual(got.hits, c.outputs.hits);
    assert.equal(got.num_queries, c.outputs.num_queries);
    assertGolden(got.recall, c.outputs.recall, 1e-12, 0);
    assertGolden(got.recall_exact, c.outputs.recall_exact, 1e-12, 0);
  });
}

for (const c of goldenCases('metrics')) {
  test(`golden ${c.id}: metrics within rtol 1e-9, labels and indices exact`, () => {
    const got = roundTrip(goldenMetrics(c.inputs)) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.deepEqual(Object.keys(got).sort(), Object.keys(c.outputs).sort());
    assert.deepEqual(got.pred_evaluated, c.outputs.pred_evaluated);
    assert.deepEqual(got.singletons_removed.kept_indices, c.outputs.singletons_removed.kept_indices);
    assert.deepEqual(got.singletons_removed.naan_labels_clean, c.outputs.singletons_removed.naan_labels_clean);
    assertGolden(got, c.outputs, 1e-9, 1e-10);
  });
}
