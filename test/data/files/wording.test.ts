import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readKnn, readLabels, writeFeatures, writeKnnLearnToCluster, writeLabels } from '../../../src/data/files/index.js';
import { readPairs } from '../../../src/eval/pairs-file.js';
import { repoRoot } from '../../helpers/golden.js';
import { tempDir } from '../../helpers/temp.js';

const facet = (...args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/facet.js'), ...args], { encoding: 'utf8', env: { ...process.env, FACET_QUIET: '1' } });


test('labels: trailing blank lines are accepted, a blank line in the middle is named by its line', (t) => {
  const dir = tempDir('facet-wording-');
  const f = join(dir, 'l.meta');
  writeFileSync(f, '1\n2\n-1\n\n  \n\n');
  assert.deepEqual([...readLabels(f)], [1, 2, -1]);
  writeFileSync(f, '1\n\n2\n');
  assert.throws(() => readLabels(f), { message: `${f}: line 2 is blank (one integer label per line; −1 for an unlabelled row)` });
  writeFileSync(f, '1\n2\n');
  assert.throws(() => readLabels(f, { expectedCount: 3, countOf: 'ground-truth labels in gt.meta' }), { message: `${f}: 2 labels for 3 ground-truth labels in gt.meta` });
});

test('pairs: an index past the embeddings names the file, its 1-based line and the embeddings file', (t) => {
  const dir = tempDir('facet-wording-');
  const f = join(dir, 'pairs.txt');
  writeFileSync(f, '# idx1 idx2 same\n0 1 1\n1 2000 0\n');
  assert.throws(() => readPairs(f, { rows: 10, of: 'e.npy' }), { message: `${f}:3: row 2000 is past the 10 rows of e.npy (rows count from 0)` });
});

test('kNN files: NaN distances and more columns than rows are refused, naming the file', (t) => {
  const dir = tempDir('facet-wording-');
  const f = join(dir, 'faiss_k_3.npz');
  writeKnnLearnToCluster(f, { n: 2, k: 3, indices: Int32Array.from([0, 1, 1, 1, 0, 0]), distances: new Float32Array(6) });
  assert.throws(() => readKnn(f), { message: `${f}: 3 neighbours per row but only 2 rows (a row has at most 2 neighbours, itself included)` });
  writeKnnLearnToCluster(f, { n: 3, k: 2, indices: Int32Array.from([0, 1, 1, 2, 2, 0]), distances: Float32Array.from([0, 0.1, 0, NaN, 0, 0.2]) });
  assert.throws(() => readKnn(f), { message: `${f}: row 1 column 1: distance NaN (distances must be finite, 1 − cosine)` });
});

test('facet embed checks the output folder before any work; cluster train caps --k-hops at the kNN width, saying so', (t) => {
  const dir = tempDir('facet-wording-');
  const r = facet('embed', '--run', join(dir, 'nowhere'), '--dataset', 'features:x.npy', '--out', join(dir, 'missing', 'e.npy'));
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /--out .*missing\/e\.npy: the folder .*missing does not exist/);
  // a tiny labelled split: 30 rows, 6 kNN columns
  const n = 30, k = 6;
  writeFeatures(join(dir, 'f.npy'), { data: Float32Array.from({ length: n * 4 }, (_, i) => Math.sin(i * 1.3)), rows: n, cols: 4 });
  writeLabels(join(dir, 'l.meta'), Int32Array.from({ length: n }, (_, i) => i % 5));
  writeKnnLearnToCluster(join(dir, 'faiss_k_6.npz'), { n, k, indices: Int32Array.from({ length: n * k }, (_, i) => (Math.floor(i / k) + (i % k)) % n), distances: Float32Array.from({ length: n * k }, (_, i) => (i % k) * 0.1) });
  const c = facet('cluster', 'train', '--features', join(dir, 'f.npy'), '--knn', join(dir, 'faiss_k_6.npz'), '--labels', join(dir, 'l.meta'),
    '--k-hops', '500,10', '--epochs', '1', '--max-steps-per-epoch', '1', '--out', join(dir, 'naan.json'));
  assert.equal(c.status, 0, c.stderr);
  assert.match(c.stderr, /warning: --k-hops 500,10: capped at 5,5/);
  assert.deepEqual(JSON.parse(c.stdout.trim().split('\n').at(-1)!).kHops, [5, 5]);
  assert.ok(existsSync(join(dir, 'naan.json')));
  // a model for 4-d features given 3-d ones: both files named
  writeFeatures(join(dir, 'f3.npy'), { data: Float32Array.from({ length: n * 3 }, (_, i) => Math.cos(i)), rows: n, cols: 3 });
  const p = facet('cluster', 'predict', '--model', join(dir, 'naan.json'), '--features', join(dir, 'f3.npy'), '--knn', join(dir, 'faiss_k_6.npz'), '--out', join(dir, 'pred'));
  assert.match(p.stderr, /--model .*naan\.json is for 4-d features; --features .*f3\.npy are 3-d/);
  const resumed = facet('cluster', 'train', '--features', join(dir, 'f3.npy'), '--knn', join(dir, 'faiss_k_6.npz'), '--labels', join(dir, 'l.meta'), '--resume', '--out', join(dir, 'naan.json'));
  assert.match(resumed.stderr, /--resume: .*naan\.json is for 4-d features; --features .*f3\.npy are 3-d/);
});
