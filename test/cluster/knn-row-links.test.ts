import { test } from 'node:test';
import assert from 'node:assert/strict';
import { knnRowLinks } from '../../src/cluster/knn-row-links.js';
import type { KnnGraph } from '../../src/data/files/index.js';

/** A kNN graph from rows of [neighbour, distance] (self included where the row lists it). */
function graph(rows: [number, number][][]): KnnGraph {
  const k = rows[0].length;
  return { n: rows.length, k, indices: Int32Array.from(rows.flat().map(([j]) => j)), distances: Float32Array.from(rows.flat().map(([, d]) => d)) };
}

/** The similarities as knnRowLinks computes them: 1 − the float32 distance, stored as float32. */
const sims = (distances: number[]) => Float32Array.from(distances, (d) => 1 - Math.fround(d));

test('knnRowLinks: each row\'s own links, row → neighbour, at similarity ≥ the threshold; self and −1 left out, a pair both rows list is two links', () => {
  const g = graph([
    [[0, 0], [1, 0.1], [2, 0.3], [3, 0.6]], // 0→1 0.9, 0→2 0.7; 0→3 0.4 is below 0.5
    [[1, 0], [0, 0.1], [-1, 0], [-1, 0]], // 1→0 (the reverse of 0→1: its own link); −1 columns skipped whatever their distance
    [[2, 0], [3, 0.2], [3, 0.25], [0, 0.3]], // 3 listed twice: one link, the last column's similarity 0.75
    [[1, 0.2], [3, 0], [2, 0.45], [0, 0.05]], // self skipped where it stands, not only in column 0
  ]);
  const r = knnRowLinks(g, 0.5);
  assert.deepEqual(r.edges, Int32Array.from([0, 1, 0, 2, 1, 0, 2, 3, 2, 0, 3, 1, 3, 2, 3, 0]));
  assert.deepEqual(r.scores, sims([0.1, 0.3, 0.1, 0.25, 0.3, 0.2, 0.45, 0.05]));
});

test('knnRowLinks: a neighbour listed twice keeps the last column that passes; nothing passes: no links', () => {
  const g = graph([[[0, 0], [1, 0.2], [1, 0.6]], [[1, 0], [0, 0.2], [0, 0.2]]]);
  assert.deepEqual(knnRowLinks(g, 0.5), { edges: Int32Array.from([0, 1, 1, 0]), scores: sims([0.2, 0.2]) });
  assert.deepEqual(knnRowLinks(g, 0.9), { edges: new Int32Array(0), scores: new Float32Array(0) });
});
