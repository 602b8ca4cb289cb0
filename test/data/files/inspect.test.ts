import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { writeFeatures, writeKnnLearnToCluster, writeLabels, writeNpz } from '../../../src/data/files/index.js';
import { repoRoot } from '../../helpers/golden.js';
import { tempDir } from '../../helpers/temp.js';

const dir = tempDir('facet-inspect-');

function inspect(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [join(repoRoot, 'bin/facet.js'), 'inspect', ...args], { encoding: 'utf8' });
}

test('facet inspect prints JSON with dtype, shape, statistics and the recognised layout', () => {
  const bin = join(dir, 'feats.bin');
  writeFeatures(bin, { data: Float32Array.from([3, 4, 0, 1, NaN, 0]), rows: 3, cols: 2 });
  const res = inspect(bin, '--dim', '2');
  assert.equal(res.status, 0, res.stderr);
  const d = JSON.parse(res.stdout);
  assert.equal(d.format, 'bin');
  assert.equal(d.content, 'feature matrix: 3 × 2');
  assert.deepEqual(d.arrays.features, {
    dtype: 'float32', shape: [3, 2],
    stats: { min: 0, max: 4, mean: 8 / 5, nanCount: 1, infCount: 0, rowNorm: { min: 1, max: 5 } },
  });

  const knn = join(dir, 'faiss_k_2.npz');
  writeKnnLearnToCluster(knn, { n: 2, k: 2, indices: Int32Array.from([0, 1, 1, 0]), distances: Float32Array.from([0, 0.5, 0, 0.5]) });
  const k = JSON.parse(inspect(knn).stdout);
  assert.equal(k.format, 'npz');
  assert.match(k.content, /^learn-to-cluster kNN graph: N=2, K=2/);
  assert.deepEqual(k.arrays.data.shape, [2, 2, 2]);
  assert.equal(k.arrays.data.dtype, 'float64');

  const feats = join(dir, 'split_feats.npz');
  writeNpz(feats, { embs: { dtype: 'float32', shape: [2, 3], data: new Float32Array(6) }, labels: { dtype: 'int64', shape: [2], data: BigInt64Array.from([4n, -1n]) } });
  const f = JSON.parse(inspect(feats).stdout);
  assert.equal(f.content, 'NAAN features: 2 × 3 embeddings with 2 labels');
  assert.equal(f.arrays.labels.stats, undefined); // statistics are for float arrays only

  const meta = join(dir, 'labels.meta');
  writeLabels(meta, [1, 1, -1, 2]);
  assert.deepEqual(JSON.parse(inspect(meta).stdout).labels, { count: 4, distinct: 3, minusOne: 1 });
});

test('facet inspect fails with one line naming the file and the problem', () => {
  const res = inspect(join(dir, 'feats.bin'));
  assert.equal(res.status, 1);
  assert.equal(res.stderr, `facet: ${join(dir, 'feats.bin')}: a raw .bin feature file needs its dimension (--dim D)\n`);
  const missing = inspect(join(dir, 'nope.npy'));
  assert.equal(missing.stderr, `facet: ${join(dir, 'nope.npy')}: cannot open (no such file or folder)\n`);
});
