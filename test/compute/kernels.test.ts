import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fallbackKernels, kernels, type Kernels } from '../../src/compute/index.js';

const native = kernels().name === 'native' ? kernels() : undefined;
const skipNative = !native && 'native addon not built (needs libopenblas-dev) or FACET_NATIVE=0';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}

function rand(n: number, r: () => number): Float32Array {
  return Float32Array.from({ length: n }, r);
}

/** Plain triple loop in float64: the reference both kernels are checked against. */
function naiveGemm(ta: boolean, tb: boolean, m: number, n: number, k: number, a: Float32Array, b: Float32Array): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
      c[i * n + j] = s;
    }
  return c;
}

function checkGemm(kern: Kernels): void {
  const r = rng(7);
  for (const [ta, tb] of [[false, false], [false, true], [true, false], [true, true]] as const) {
    const m = 13, n = 17, k = 29;
    const a = rand(m * k, r), b = rand(k * n, r);
    const c0 = rand(m * n, r);
    const c = Float32Array.from(c0);
    kern.sgemm(ta, tb, m, n, k, 0.5, a, b, 2, c);
    const ref = naiveGemm(ta, tb, m, n, k, a, b);
    for (let i = 0; i < m * n; i++) {
      const want = 0.5 * ref[i] + 2 * c0[i];
      assert.ok(Math.abs(c[i] - want) <= 1e-5 + 1e-5 * Math.abs(want), `${kern.name} ta=${ta} tb=${tb} [${i}]: ${c[i]} vs ${want}`);
    }
  }
}

test('fallback sgemm matches a float64 triple loop for every transpose', () => checkGemm(fallbackKernels));
test('native sgemm matches a float64 triple loop for every transpose', { skip: skipNative }, () => checkGemm(native!));

/** Brute force: sort every candidate by score desc, index asc. */
function bruteTopK(q: Float32Array, nq: number, b: Float32Array, nb: number, d: number, k: number, self?: number) {
  const idx: number[][] = [];
  for (let i = 0; i < nq; i++) {
    const cands: [number, number][] = [];
    for (let j = 0; j < nb; j++) {
      if (self !== undefined && j === self + i) continue;
      let s = 0;
      for (let p = 0; p < d; p++) s += q[i * d + p] * b[j * d + p];
      cands.push([Math.fround(s), j]);
    }
    cands.sort((x, y) => y[0] - x[0] || x[1] - y[1]);
    idx.push(cands.slice(0, k).map((c) => c[1]));
  }
  return idx;
}

function checkTopK(kern: Kernels): void {
  const r = rng(3);
  // integer-valued vectors make exact ties common, so the tie rule is really tested
  const d = 4, nb = 9000, nq = 70, k = 12;
  const base = Float32Array.from({ length: nb * d }, () => Math.round(r() * 2));
  const queries = base.subarray(100 * d, (100 + nq) * d);
  const got = kern.topkInnerProduct(queries, nq, base, nb, d, k, { selfOffset: 100 });
  const want = bruteTopK(queries, nq, base, nb, d, k, 100);
  for (let i = 0; i < nq; i++) {
    assert.deepEqual(Array.from(got.indices.subarray(i * k, (i + 1) * k)), want[i], `${kern.name} row ${i}`);
    for (let j = 1; j < k; j++) assert.ok(got.scores[i * k + j] <= got.scores[i * k + j - 1]);
  }
  // fewer candidates than k: padded with -1 / -Infinity
  const small = kern.topkInnerProduct(rand(2 * 3, r), 2, rand(3 * 3, r), 3, 3, 5);
  assert.deepEqual(Array.from(small.indices.subarray(3, 5)), [-1, -1]);
  assert.equal(small.scores[4], -Infinity);
}

test('fallback top-k equals brute force, ties by lower index, self skipped', () => checkTopK(fallbackKernels));
test('native top-k equals brute force, ties by lower index, self skipped', { skip: skipNative }, () => checkTopK(native!));

test('native and fallback agree on random data', { skip: skipNative }, () => {
  const r = rng(11);
  const d = 32, nb = 5000, nq = 300, k = 20;
  const base = rand(nb * d, r), q = rand(nq * d, r);
  const a = native!.topkInnerProduct(q, nq, base, nb, d, k);
  const b = fallbackKernels.topkInnerProduct(q, nq, base, nb, d, k);
  let same = 0;
  for (let i = 0; i < a.indices.length; i++) {
    if (a.indices[i] === b.indices[i]) same++;
    assert.ok(Math.abs(a.scores[i] - b.scores[i]) < 1e-4);
  }
  // summation order differs (BLAS vs loop), so only near-ties may swap
  assert.ok(same / a.indices.length > 0.999, `agreement ${same / a.indices.length}`);
});

test('native kernels refuse arrays shorter than their stated shapes', { skip: skipNative }, () => {
  assert.throws(() => native!.sgemm(false, false, 4, 4, 4, 1, new Float32Array(15), new Float32Array(16), 0, new Float32Array(16)), /A is shorter/);
  assert.throws(() => native!.topkInnerProduct(new Float32Array(4), 2, new Float32Array(4), 2, 3, 1), /queries is shorter/);
});
