import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { writeFeatures, writeLabels } from '../../src/data/files/index.js';
import { Random } from '../../src/data/random.js';
import { evaluateRetrieval } from '../../src/eval/retrieval.js';
import { repoRoot } from '../helpers/golden.js';
import { tempDir } from '../helpers/temp.js';

const facet = (...args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/facet.js'), ...args],
  { encoding: 'utf8', env: { ...process.env, FACET_QUIET: '1' } });

const rng = new Random(3);
const n = 40, d = 5;
const data = Float32Array.from({ length: n * d }, () => rng.normal());
const labels = Int32Array.from({ length: n }, (_, i) => (i % 4 === 3 ? -1 : i % 5));
const kept = [...labels.keys()].filter((i) => labels[i] !== -1);
const keptData = Float32Array.from(kept.flatMap((i) => [...data.subarray(i * d, (i + 1) * d)]));

test('retrieval: −1 rows are neither queries nor gallery items, and are counted', () => {
  const withUnlabelled = evaluateRetrieval({ query: { data, rows: n, cols: d }, queryLabels: labels }, { ks: [1, 5] });
  const without = evaluateRetrieval({ query: { data: keptData, rows: kept.length, cols: d }, queryLabels: Int32Array.from(kept, (i) => labels[i]) }, { ks: [1, 5] });
  assert.equal(withUnlabelled.unlabelledIgnored, n - kept.length);
  assert.equal(without.unlabelledIgnored, 0);
  assert.deepEqual({ ...withUnlabelled, unlabelledIgnored: 0 }, without);
  // query → gallery: −1 gallery rows are left out too
  const g = evaluateRetrieval({ query: { data: keptData, rows: kept.length, cols: d }, queryLabels: Int32Array.from(kept, (i) => labels[i]), gallery: { data, rows: n, cols: d }, galleryLabels: labels }, { ks: [1] });
  const g2 = evaluateRetrieval({ query: { data: keptData, rows: kept.length, cols: d }, queryLabels: Int32Array.from(kept, (i) => labels[i]), gallery: { data: keptData, rows: kept.length, cols: d }, galleryLabels: Int32Array.from(kept, (i) => labels[i]) }, { ks: [1] });
  assert.equal(g.unlabelledIgnored, n - kept.length);
  assert.deepEqual(g.hits, g2.hits);
  assert.throws(() => evaluateRetrieval({ query: { data, rows: n, cols: d }, queryLabels: new Int32Array(n).fill(-1) }, { ks: [1] }), /every row is −1/);
});

test('facet eval retrieval reports ignored −1 rows, and refuses all-zero rows and a K past the labelled rows, naming them', (t) => {
  const dir = tempDir('facet-unlabelled-');
  writeFeatures(join(dir, 'e.npy'), { data, rows: n, cols: d });
  writeLabels(join(dir, 'l.meta'), labels);
  const r = facet('eval', 'retrieval', '--embeddings', join(dir, 'e.npy'), '--labels', join(dir, 'l.meta'), '--k', '1', '--json');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).unlabelledIgnored, 10);
  assert.match(r.stderr, /10 unlabelled rows \(label −1\) ignored/);
  const big = facet('eval', 'retrieval', '--embeddings', join(dir, 'e.npy'), '--labels', join(dir, 'l.meta'), '--k', '35');
  assert.match(big.stderr, /--k 35: larger than the gallery \(29 items, leave-one-out, 10 unlabelled rows ignored\)/);
  const zero = data.slice();
  zero.fill(0, 7 * d, 8 * d);
  writeFeatures(join(dir, 'z.npy'), { data: zero, rows: n, cols: d });
  const z = facet('eval', 'retrieval', '--embeddings', join(dir, 'z.npy'), '--labels', join(dir, 'l.meta'), '--k', '1');
  assert.match(z.stderr, /z\.npy: row 7 is all zeros \(cosine similarity is undefined\)/);
  writeLabels(join(dir, 'pairs.txt'), []);
  const v = facet('eval', 'verification', '--embeddings', join(dir, 'z.npy'), '--pairs', join(dir, 'pairs.txt'));
  assert.match(v.stderr, /z\.npy: row 7 is all zeros/);
});
