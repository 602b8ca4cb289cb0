import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { synthFaces } from '../../src/data/synth/synth-faces.js';
import { exactKnn } from '../../src/knn/exact.js';
import { readLabels } from '../../src/data/files/index.js';
import { clusterBaseline } from '../../src/cluster/baselines.js';
import { chineseWhispers } from '../../src/cluster/chinese-whispers.js';
import { kMeans } from '../../src/cluster/kmeans.js';
import { pseudoLabelReport, writePseudoLabels } from '../../src/cluster/labelling-files.js';
import { tempDir } from '../helpers/temp.js';

// 40 well-separated identities, 600 images, 32-d: every method should recover them nearly perfectly
const data = synthFaces({ ids: 40, images: 600, dim: 32, seed: 1, spread: [0.6, 0.8] });
const knn = exactKnn(data.features, 11);

// cdp at a low threshold with max size 40: the first pass leaves one big component, the threshold rounds split it
const settings = { threshold: { threshold: 0.7 }, cdp: { threshold: 0.5, maxSize: 40 }, 'chinese-whispers': { threshold: 0.6 } };
for (const method of ['threshold', 'cdp', 'chinese-whispers'] as const) {
  test(`baseline ${method} recovers well-separated identities (BCubed F > 0.9)`, () => {
    const labels = clusterBaseline(method, knn, undefined, settings[method]);
    const r = pseudoLabelReport(labels, data.labels);
    assert.ok(r.metrics!.all.bcubed.fscore > 0.9, `BCubed F ${r.metrics!.all.bcubed.fscore}`);
  });
}

test('baseline kmeans with the true k recovers the identities and is reproducible per seed', () => {
  const a = clusterBaseline('kmeans', undefined, data.features, { clusters: 40, seed: 3 });
  const b = kMeans(data.features, { k: 40, iterations: 20, seed: 3 });
  assert.deepEqual(a, b);
  assert.ok(pseudoLabelReport(a, data.labels).metrics!.all.bcubed.fscore > 0.85);
});

test('a threshold above every similarity leaves every node discarded (−1)', () => {
  const labels = clusterBaseline('threshold', knn, undefined, { threshold: 0.9999 });
  assert.ok(labels.every((l) => l === -1));
});

test('chinese whispers: two triangles joined by one weak edge become two classes; isolated node stays alone', () => {
  const edges = Int32Array.from([0, 1, 1, 2, 0, 2, 3, 4, 4, 5, 3, 5, 2, 3]);
  const scores = Float32Array.from([1, 1, 1, 1, 1, 1, 0.1]);
  const labels = chineseWhispers(7, { edges, scores }, { iterations: 20, seed: 0 });
  assert.deepEqual(Array.from(labels), [0, 0, 0, 1, 1, 1, 2]);
});

test('pseudo-label outputs: labels, clean labels without singletons, size histogram; files load back', () => {
  const labels = Int32Array.from([0, 0, 1, -1, 2, 2, 2]);
  const r = pseudoLabelReport(labels, [5, 5, 6, 7, 8, 8, 8]);
  assert.deepEqual(r.sizeHistogram, [[1, 1], [2, 1], [3, 1]]);
  assert.equal(r.numSingletons, 1);
  assert.equal(r.numDiscarded, 1);
  assert.equal(r.singletonDiscardRatio, 2 / 7);
  assert.equal(r.metrics!.all.bcubed.fscore, 1);
  const dir = tempDir('facet-cluster-');
  writePseudoLabels(dir, labels, r, { method: 'test' });
  assert.deepEqual(Array.from(readLabels(join(dir, 'labels.txt'))), Array.from(labels));
  assert.deepEqual(Array.from(readLabels(join(dir, 'labels_clean.txt'))), [0, 0, -1, -1, 1, 1, 1]);
  assert.equal(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).numClusters, 3);
});

test('bad input is refused naming what is wrong', () => {
  assert.throws(() => clusterBaseline('cdp', undefined, undefined), /--knn is required/);
  assert.throws(() => clusterBaseline('kmeans', undefined, data.features), /--clusters is required/);
  assert.throws(() => clusterBaseline('threshold', knn, undefined, { k: 11 }), /--k must be an integer in 1…10/);
  const noDist = { ...knn, distances: new Float32Array(knn.distances.length).fill(NaN) };
  assert.throws(() => clusterBaseline('threshold', noDist, undefined), /holds no distances/);
  assert.throws(() => kMeans(data.features, { k: 0, iterations: 5, seed: 0 }), /k must be an integer in 1…600/);
  assert.throws(() => pseudoLabelReport(Int32Array.from([0, 1]), [0]), /1 labels for 2 nodes/);
});

test('knnEdges: each undirected pair once, where first met (row order, then column), self / −1 / below-threshold entries skipped', async () => {
  const { knnEdges } = await import('../../src/cluster/knn-edges.js');
  // row 0 lists 1 twice; 1→0 repeats 0→1; 2→0 is below 0.5 while 0→2 is not (asymmetric distances); −1 padding
  const g = {
    n: 4, k: 4,
    indices: Int32Array.from([0, 1, 1, 2, 1, 0, 3, -1, 2, 0, 3, 1, 3, 2, 1, 3]),
    distances: Float32Array.from([0, 0.1, 0.2, 0.4, 0, 0.1, 0.3, 1, 0, 0.7, 0.2, 0.6, 0, 0.2, 0.3, 0]),
  };
  const all = knnEdges(g, 0.5);
  assert.deepEqual(Array.from(all.edges), [0, 1, 0, 2, 1, 3, 2, 3]);
  assert.deepEqual(Array.from(all.scores, (s) => +s.toFixed(3)), [0.9, 0.6, 0.7, 0.8]);
  // at 0.65 the pair (0, 2) is gone from row 0; row 2's entry for 0 is still below: no edge
  const high = knnEdges(g, 0.65);
  assert.deepEqual(Array.from(high.edges), [0, 1, 1, 3, 2, 3]);
});
