import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readKnn, writeFeatures, writeNpz } from '../../src/data/files/index.js';
import { Random } from '../../src/data/random.js';
import { repoRoot } from '../helpers/golden.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir('facet-knn-bad-');
const rng = new Random(4);
const good = Float32Array.from({ length: 50 * 16 }, () => rng.normal());
const withNaN = good.slice(); withNaN[3 * 16 + 2] = NaN;
const withZero = good.slice(); withZero.fill(0, 4 * 16, 5 * 16);
for (const [name, data] of [['ok', good], ['nan', withNaN], ['zero', withZero]] as const) {
  writeFeatures(join(dir, `${name}.npy`), { data, rows: 50, cols: 16 });
}

writeNpz(join(dir, 'two.npz'), { a: { dtype: 'float32', shape: [50, 16], data: good }, b: { dtype: 'float32', shape: [50, 16], data: withZero } });

function knn(...args: string[]) {
  return spawnSync(process.execPath, [join(repoRoot, 'bin/facet.js'), 'knn', '--out', join(dir, 'o.npz'), ...args], { encoding: 'utf8', env: { ...process.env, FACET_QUIET: '1' } });
}

const cases: [string, string[], RegExp][] = [
  ['dimension mismatch', ['--features', join(dir, 'ok.npy'), '--dim', '8'], /ok\.npy: features have dimension 16, expected 8/],
  ['NaN row', ['--features', join(dir, 'nan.npy')], /nan\.npy: row 3 holds NaN/],
  ['all-zero row', ['--features', join(dir, 'zero.npy')], /zero\.npy: row 4 is all zeros \(cosine similarity is undefined\)/],
  ['k ≥ N', ['--features', join(dir, 'ok.npy'), '--k', '50'], /--k 50: must be smaller than the number of features \(50\)/],
  ['k = 1', ['--features', join(dir, 'ok.npy'), '--k', '1'], /--k 1: must be an integer ≥ 2 \(column 0 is the point itself\)/],
  ['two arrays without --key', ['--features', join(dir, 'two.npz')], /two\.npz: several arrays \(a, b\); say which with --key NAME/],
  ['unknown method', ['--features', join(dir, 'ok.npy'), '--method', 'ivf'], /--method must be exact or hnsw, got "ivf"/],
  ['.bin without --dim', ['--features', join(dir, 'missing.bin')], /needs its dimension \(--dim D\)/],
];

for (const [what, args, message] of cases) {
  test(`facet knn refuses ${what} with a clear error`, () => {
    const r = knn(...args);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, message);
  });
}

test('facet knn --key picks the array of a two-array .npz; a refused --k leaves no .partial folder', () => {
  const r = knn('--features', join(dir, 'two.npz'), '--key', 'a', '--k', '5');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readKnn(join(dir, 'o.npz')).k, 5);
  const zero = knn('--features', join(dir, 'two.npz'), '--key', 'b');
  assert.match(zero.stderr, /two\.npz: row 4 is all zeros/);
  const bad = knn('--features', join(dir, 'ok.npy'), '--k', '1');
  assert.notEqual(bad.status, 0);
  assert.ok(!existsSync(join(dir, 'o.npz.partial')));
});
