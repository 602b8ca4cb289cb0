import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { exactKnn } from '../../src/knn/exact.js';
import { hnswKnn, sampleRecall } from '../../src/knn/hnsw.js';
import { prepareFeatures } from '../../src/knn/prepare.js';
import { synthFaces, knnPrecision } from '../../src/data/synth/synth-faces.js';
import { readKnn, writeFeatures } from '../../src/data/files/index.js';
import { repoRoot } from '../helpers/golden.js';
import { tempDir } from '../helpers/temp.js';

const { features } = synthFaces({ ids: 40, images: 1500, dim: 16, seed: 1 });

/** Brute force in float64: self first, then others by similarity desc, index asc. */
function brute(f: typeof features, k: number): Int32Array {
  const { rows: n, cols: d, data } = f;
  const out = new Int32Array(n * k);
  for (let i = 0; i < n; i++) {
    const c: [number, number][] = [];
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let s = 0;
      for (let p = 0; p < d; p++) s += data[i * d + p] * data[j * d + p];
      c.push([s, j]);
    }
    c.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    out[i * k] = i;
    for (let j = 1; j < k; j++) out[i * k + j] = c[j - 1][1];
  }
  return out;
}

test('exact kNN equals brute force (self at column 0, distances 1 − cosine)', () => {
  const g = exactKnn(features, 10, { blockRows: 300 });
  const want = brute(features, 10);
  let same = 0;
  for (let i = 0; i < want.length; i++) if (g.indices[i] === want[i]) same++;
  // float32 BLAS vs float64 sums may swap only true near-ties
  assert.ok(same / want.length > 0.999, `agreement ${same / want.length}`);
  for (let i = 0; i < features.rows; i++) {
    assert.equal(g.indices[i * 10], i);
    assert.ok(Math.abs(g.distances[i * 10]) < 1e-6);
    for (let j = 2; j < 10; j++) assert.ok(g.distances[i * 10 + j] >= g.distances[i * 10 + j - 1]);
  }
});

test('ties are broken by lower index, exactly', () => {
  // four identical rows and one other: every row's neighbours are the duplicates in index order
  const data = Float32Array.from([1, 0, 1, 0, 1, 0, 1, 0, 0, 1]);
  const g = exactKnn({ data, rows: 5, cols: 2 }, 4);
  assert.deepEqual(Array.from(g.indices.subarray(0, 12)), [0, 1, 2, 3, 1, 0, 2, 3, 2, 0, 1, 3]);
});

test('an interrupted run resumes from its finished blocks and gives the same graph', () => {
  const dir = tempDir('facet-knn-');
  const resumeDir = join(dir, 'out.partial');
  const full = exactKnn(features, 8, { blockRows: 256 });
  let calls = 0;
  assert.throws(() => exactKnn(features, 8, { blockRows: 256, resumeDir, onProgress: () => { if (++calls === 3) throw new Error('killed'); } }), /killed/);
  assert.equal(readdirSync(resumeDir).filter((f) => f.startsWith('block-')).length, 3);
  const resumed = exactKnn(features, 8, { blockRows: 256, resumeDir });
  assert.deepEqual(resumed, full);
  assert.throws(() => exactKnn(features, 9, { blockRows: 256, resumeDir }), /holds blocks of another kNN run/);
});

test('hnsw finds nearly all exact neighbours and reports its recall', () => {
  const g = hnswKnn(features, 10, { m: 16, efConstruction: 100, efSearch: 64 });
  const recall = sampleRecall(features, g, Int32Array.from({ length: 200 }, (_, i) => i * 7));
  assert.ok(recall > 0.95, `recall ${recall}`);
  assert.equal(g.indices[50 * 10], 50);
});

test('synthetic faces: exact size, long tail, unit norm, realistic neighbour precision', () => {
  const s = synthFaces({ ids: 100, images: 6800, dim: 128, seed: 3 });
  assert.equal(s.sizes.reduce((a, b) => a + b, 0), 6800);
  assert.ok(Math.max(...s.sizes) > 3 * 68, 'long tail');
  for (let i = 0; i < 10; i++) {
    let n = 0;
    for (let j = 0; j < 128; j++) n += s.features.data[i * 128 + j] ** 2;
    assert.ok(Math.abs(n - 1) < 1e-5);
  }
  const p = knnPrecision(s.features, s.labels, [1, 10], 300);
  // same identity most of the time at k = 1, less at k = 10: neither trivial nor hopeless
  assert.ok(p['precision@1'] > 0.6 && p['precision@1'] < 1, `precision@1 ${p['precision@1']}`);
  assert.ok(p['precision@10'] < p['precision@1']);
  // same seed, same data
  assert.deepEqual(synthFaces({ ids: 100, images: 6800, dim: 128, seed: 3 }).features.data.subarray(0, 64), s.features.data.subarray(0, 64));
});

test('bad input: zero rows, NaN rows, k ≥ N', () => {
  assert.throws(() => prepareFeatures({ data: Float32Array.from([1, 0, 0, 0]), rows: 2, cols: 2 }, true), /row 1 is all zeros/);
  assert.throws(() => prepareFeatures({ data: Float32Array.from([1, NaN, 0, 1]), rows: 2, cols: 2 }, true), /row 0 holds NaN/);
  assert.throws(() => exactKnn(features, features.rows), /k \d+: must be smaller than the number of features/);
});

test('facet knn writes the learn-to-cluster and NAAN files and removes its resume folder', () => {
  const dir = tempDir('facet-knncli-');
  writeFeatures(join(dir, 'f.npy'), features);
  const res = spawnSync(process.execPath, [join(repoRoot, 'bin/facet.js'), 'knn', '--features', join(dir, 'f.npy'), '--k', '5', '--out', join(dir, 'faiss_k_5.npz'), '--naan-out', join(dir, 'x_knn.npy')], { encoding: 'utf8', env: { ...process.env, FACET_QUIET: '1' } });
  assert.equal(res.status, 0, res.stderr);
  const g = readKnn(join(dir, 'faiss_k_5.npz'));
  assert.equal(g.k, 5);
  assert.deepEqual(readKnn(join(dir, 'x_knn.npy')).indices, g.indices);
  assert.ok(!existsSync(join(dir, 'faiss_k_5.npz.partial')));
  const bad = spawnSync(process.execPath, [join(repoRoot, 'bin/facet.js'), 'knn', '--features', join(dir, 'f.npy'), '--k', '0', '--out', join(dir, 'o.npz')], { encoding: 'utf8' });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /--k must be a positive integer/);
});
