import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateRetrieval, type EmbeddingMatrix } from '../../src/eval/retrieval.js';

const m = (rows: number[][]): EmbeddingMatrix => ({ data: Float32Array.from(rows.flat()), rows: rows.length, cols: rows[0].length });

test('ties: equal distances rank the lower gallery index first', () => {
  // Query e1; gallery e2 (label 7) and e3 (label 9) both at cosine 0 exactly, e1-like item far last.
  const query = m([[1, 0, 0]]);
  const gallery = m([[0, 1, 0], [0, 0, 1], [-1, 0, 0]]);
  const first = evaluateRetrieval({ query, queryLabels: [7], gallery, galleryLabels: [7, 9, 5] }, { ks: [1] });
  assert.deepEqual(first.hits, [1]);
  const swapped = evaluateRetrieval({ query, queryLabels: [9], gallery, galleryLabels: [7, 9, 5] }, { ks: [1, 2] });
  assert.deepEqual(swapped.hits, [0, 1]);
});

test('leave-one-out: an exact duplicate of the query ranks first, the query itself never counts', () => {
  const e = m([[1, 2], [1, 2], [2, -1], [2, -1.1]]);
  const r = evaluateRetrieval({ query: e, queryLabels: [0, 0, 1, 1] }, { ks: [1] });
  assert.deepEqual(r.hits, [4]);
  // Alone in its class, a query can never hit, even though its own distance is 0.
  const lone = evaluateRetrieval({ query: e, queryLabels: [0, 3, 1, 1] }, { ks: [1, 3] });
  assert.deepEqual(lone.hits, [2, 2]);
  assert.equal(lone.numLoneQueries, 2);
});

test('MAP@R, R-precision and P@1 follow pytorch-metric-learning on a hand-worked ranking', () => {
  // Query at angle 0; gallery along angles 10°, 20°, 30°, 40° with labels [1, 0, 1, 1]: R = 3.
  const deg = (a: number) => [Math.cos((a * Math.PI) / 180), Math.sin((a * Math.PI) / 180)];
  const r = evaluateRetrieval({
    query: m([deg(0)]), queryLabels: [1],
    gallery: m([deg(10), deg(20), deg(30), deg(40)]), galleryLabels: [1, 0, 1, 1],
  }, { ks: [1, 2] });
  // relevant at ranks 1 and 3 within R = 3: AP@R = (1/1 + 2/3)/3, R-precision = 2/3.
  assert.ok(Math.abs(r.mapAtR - (1 + 2 / 3) / 3) < 1e-12);
  assert.ok(Math.abs(r.rPrecision - 2 / 3) < 1e-12);
  assert.equal(r.precisionAt1, 1);
  assert.equal(r.neighbours, 3);
});

test('recallReference reproduces the reference float32 mean, recall the exact percentage', () => {
  const e = m([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9], [-1, 0], [-1, 0.1]]);
  const r = evaluateRetrieval({ query: e, queryLabels: [0, 0, 1, 2, 3, 3] }, { ks: [1] });
  assert.deepEqual(r.hits, [4]);
  assert.equal(r.recall[0], (100 * 4) / 6);
  assert.equal(r.recallReference[0], 100 * Math.fround(4 / 6));
  assert.notEqual(r.recall[0], r.recallReference[0]);
});

test('bad input gets a clear error', () => {
  const e = m([[1, 0], [0, 1], [1, 1]]);
  assert.throws(() => evaluateRetrieval({ query: e, queryLabels: [0, 1] }, { ks: [1] }), /query labels: 2 labels for 3 embeddings/);
  assert.throws(() => evaluateRetrieval({ query: e, queryLabels: [0, 1, 1] }, { ks: [3] }), /K 3: larger than the gallery \(2 items, leave-one-out\)/);
  assert.throws(() => evaluateRetrieval({ query: m([[1, NaN], [0, 1]]), queryLabels: [0, 0] }, { ks: [1] }), /row 0 column 1 is NaN/);
  assert.throws(() => evaluateRetrieval({ query: { data: new Float32Array(0), rows: 0, cols: 2 }, queryLabels: [] }, { ks: [1] }), /empty/);
  assert.throws(() => evaluateRetrieval({ query: e, queryLabels: [0, 1, 1], gallery: m([[1, 0, 0]]), galleryLabels: [0] }, { ks: [1] }), /3 dims but query embeddings 2/);
  assert.throws(() => evaluateRetrieval({ query: e, queryLabels: [0, 1, 1] }, { ks: [0] }), /positive integer/);
});

test('blocked search gives the same metrics whatever the query block size', () => {
  let s = 1;
  const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647) - 0.5;
  const rows = Array.from({ length: 300 }, () => Array.from({ length: 8 }, rnd));
  const labels = Array.from({ length: 300 }, (_, i) => i % 37);
  const a = evaluateRetrieval({ query: m(rows), queryLabels: labels }, { ks: [1, 5, 50] });
  const b = evaluateRetrieval({ query: m(rows), queryLabels: labels }, { ks: [1, 5, 50], queryBlock: 7 });
  assert.deepEqual(a, b);
});
