import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fallbackKernels, kernels, type Kernels } from '../../src/compute/index.js';
import type { Matrix } from '../../src/data/files/index.js';
import { Random } from '../../src/data/random.js';
import { exactKnn } from '../../src/knn/exact.js';
import { prepareFeatures } from '../../src/knn/prepare.js';
import { tempDir } from '../helpers/temp.js';

/** Reference in float64: self first, then every other row by similarity descending, index ascending. */
function bruteForce(f: Matrix, k: number): { indices: Int32Array; sim: (i: number, j: number) => number } {
  const { rows: n, cols: d, data } = f;
  const sim = (i: number, j: number) => {
    let s = 0;
    for (let p = 0; p < d; p++) s += data[i * d + p] * data[j * d + p];
    return s;
  };
  const indices = new Int32Array(n * k);
  for (let i = 0; i < n; i++) {
    const others = Array.from({ length: n }, (_, j) => j).filter((j) => j !== i);
    const s = Float64Array.from({ length: n }, (_, j) => sim(i, j));
    others.sort((a, b) => s[b] - s[a] || a - b);
    indices[i * k] = i;
    indices.set(others.slice(0, k - 1), i * k + 1);
  }
  return { indices, sim };
}

function randomMatrix(rows: number, cols: number, seed: number, draw: (r: Random) => number): Matrix {
  const r = new Random(seed);
  return { data: Float32Array.from({ length: rows * cols }, () => draw(r)), rows, cols };
}

const both: [string, Kernels][] = [['native (or fallback when the addon is absent)', kernels()], ['fallback', fallbackKernels]];

for (const [name, kern] of both) {
  test(`${name}: exact kNN of random unit vectors equals float64 brute force`, () => {
    const f = prepareFeatures(randomMatrix(1200, 24, 11, (r) => r.normal()), true);
    const k = 20;
    const got = exactKnn(f, k, { blockRows: 500, kernels: kern });
    const want = bruteForce(f, k);
    for (let i = 0; i < f.rows; i++) {
      for (let j = 0; j < k; j++) {
        const a = got.indices[i * k + j], b = want.indices[i * k + j];
        // float32 vs float64 sums may only swap neighbours whose similarities agree to 1e-6
        if (a !== b) assert.ok(Math.abs(want.sim(i, a) - want.sim(i, b)) < 1e-6, `row ${i} col ${j}: ${a} vs ${b}`);
        // distance = 1 − cosine, the float32 score faiss would give (within float32 rounding)
        assert.ok(Math.abs(got.distances[i * k + j] - (1 - want.sim(i, a))) < 2e-6, `row ${i} col ${j} distance`);
      }
    }
  });

  test(`${name}: with exact integer scores and many ties, neighbours equal brute force exactly (ties by index, self first)`, () => {
    // entries in {−1, 0, 1}: every inner product is an exact small integer, so ties are real
    const f = randomMatrix(400, 6, 12, (r) => r.int(3) - 1);
    f.data.set([1, 1, 1, 1, 1, 1], 0);
    f.data.set([1, 1, 1, 1, 1, 1], 6 * 7); // row 7 duplicates row 0: row 0 still has itself first, then 7
    const k = 30;
    const got = exactKnn(f, k, { blockRows: 64, kernels: kern });
    assert.deepEqual(got.indices, bruteForce(f, k).indices);
    assert.deepEqual([got.indices[0], got.indices[1]], [0, 7]);
    assert.deepEqual([got.indices[7 * k], got.indices[7 * k + 1]], [7, 0]);
  });
}

test('a resume folder made from other features of the same shape is refused, not mixed in', () => {
  const dir = join(tempDir('facet-knn-fp-'), 'out.partial');
  const a = prepareFeatures(randomMatrix(300, 8, 1, (r) => r.normal()), true);
  const b = prepareFeatures(randomMatrix(300, 8, 2, (r) => r.normal()), true);
  exactKnn(a, 5, { blockRows: 100, resumeDir: dir });
  assert.throws(() => exactKnn(b, 5, { blockRows: 100, resumeDir: dir }), /holds blocks of another kNN run/);
});
