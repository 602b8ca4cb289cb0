import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fallbackKernels, kernels, setThreads, threads, type Kernels } from '../../src/compute/index.js';
import { loadAddon } from '../../src/compute/native.js';
import { checkFd, dot, rand } from '../nn/grad-check.js';

const native = kernels().name === 'native' ? kernels() : undefined;
const skipNative = !native && 'native addon not built (needs libopenblas-dev) or FACET_NATIVE=0';

interface Problem {
  m: number; d: number; g: number; n: number; alpha: number;
  table: Float32Array; a: Float32Array; attBias: Float32Array; wBias: Float32Array; outBias: Float32Array; groups: Int32Array; dOut: Float32Array;
}

/** Random inputs; with g·n > m rows repeat across groups, and every group repeats its query once when n > 2. */
function problem(m: number, d: number, g: number, n: number, seed: number): Problem {
  let s = seed >>> 0;
  const groups = Int32Array.from({ length: g * n }, () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) % m);
  if (n > 2) for (let k = 0; k < g; k++) groups[k * n + n - 1] = groups[k * n];
  return {
    m, d, g, n, alpha: 0.2, table: rand(m * d, seed + 1, 2), a: rand(2 * d, seed + 2), attBias: rand(1, seed + 3), wBias: rand(d, seed + 4, 0.3),
    outBias: rand(d, seed + 5, 0.5), groups, dOut: rand(g * d, seed + 6),
  };
}

/** Forward and backward through k; outputs start as garbage, as the kernels overwrite them. */
function run(k: Kernels, p: Problem) {
  const { m, d, g, n } = p;
  const att = new Float32Array(g * n).fill(7), pre = new Float32Array(g * n).fill(7), out = new Float32Array(g * d).fill(7);
  k.groupAttentionForward(p.table, m, d, p.a, p.attBias, p.wBias, p.outBias, p.groups, g, n, p.alpha, att, pre, out);
  const dTable = new Float32Array(m * d).fill(7), dA = new Float32Array(2 * d).fill(7), dAttBias = new Float32Array(1).fill(7);
  const dWBias = new Float32Array(d).fill(7), dOutBias = new Float32Array(d).fill(7);
  k.groupAttentionBackward(p.table, m, d, p.a, p.wBias, p.groups, g, n, p.alpha, att, pre, out, p.dOut, dTable, dA, dAttBias, dWBias, dOutBias);
  return { att, pre, out, dTable, dA, dAttBias, dWBias, dOutBias };
}

// d = 12 and 3 leave a tail after the 8-wide lanes; the last case is big enough to split over threads
const cases = [[50, 12, 40, 5], [7, 3, 9, 1], [20, 8, 6, 2], [3000, 32, 2000, 11]] as const;

test('native and fallback graph attention agree: forward and every gradient', { skip: skipNative }, () => {
  for (const [m, d, g, n] of cases) {
    const p = problem(m, d, g, n, m + n), a = run(native!, p), b = run(fallbackKernels, p);
    for (const [key, want] of Object.entries(b)) {
      const got = a[key as keyof typeof a], what = `${m}×${d}, ${g} groups of ${n}: ${key}`;
      assert.equal(got.length, want.length, what);
      want.forEach((v, i) => assert.ok(Math.abs(got[i] - v) <= 1e-4 * (1 + Math.abs(v)), `${what}[${i}]: ${got[i]} vs ${v}`));
    }
  }
});

test('native graph attention gives the same table gradient on one thread as on several', { skip: skipNative }, () => {
  const p = problem(3000, 32, 2000, 11, 5), before = threads();
  try {
    setThreads(1);
    const one = run(native!, p);
    setThreads(Math.max(2, before));
    assert.deepEqual(run(native!, p).dTable, one.dTable);
  } finally {
    setThreads(before);
  }
});

test('fallback graph attention gradients match finite differences', () => {
  const p = problem(9, 5, 6, 4, 11), { m, d, g, n } = p;
  const att = new Float32Array(g * n), pre = new Float32Array(g * n), out = new Float32Array(g * d);
  const loss = () => {
    fallbackKernels.groupAttentionForward(p.table, m, d, p.a, p.attBias, p.wBias, p.outBias, p.groups, g, n, p.alpha, att, pre, out);
    return dot(out, p.dOut);
  };
  const grads = run(fallbackKernels, p);
  checkFd('dTable', p.table, grads.dTable, loss, 1e-3, 2e-2, 45);
  checkFd('dA', p.a, grads.dA, loss, 1e-3);
  checkFd('dAttBias', p.attBias, grads.dAttBias, loss, 1e-3);
  checkFd('dWBias', p.wBias, grads.dWBias, loss, 1e-3);
  checkFd('dOutBias', p.outBias, grads.dOutBias, loss, 1e-3);
});

for (const k of [fallbackKernels, native]) {
  test(`${k?.name ?? 'native'} graph attention refuses bad sizes and rows outside the table, naming the argument`, { skip: !k && skipNative }, () => {
    const p = problem(4, 3, 2, 2, 1), { m, d, g, n } = p;
    const att = new Float32Array(g * n), pre = new Float32Array(g * n), out = new Float32Array(g * d);
    const forward = (q: Partial<Problem>, o = out) =>
      k!.groupAttentionForward(q.table ?? p.table, m, d, p.a, p.attBias, p.wBias, p.outBias, q.groups ?? p.groups, g, q.n ?? n, p.alpha, att, pre, o);
    assert.throws(() => forward({ table: new Float32Array(10) }), /groupAttentionForward: table has 10 values, the shape needs 12/);
    assert.throws(() => forward({}, new Float32Array(5)), /groupAttentionForward: out has 5 values, the shape needs 6/);
    assert.throws(() => forward({ groups: Int32Array.of(0, 1, 2, 99) }), /groupAttentionForward: groups\[3\] = 99 is not a row of the table \(M = 4\)/);
    assert.throws(() => forward({ groups: Int32Array.of(-1, 1, 2, 3) }), /groups\[0\] = -1 is not a row/);
    assert.throws(() => forward({ n: 0 }), /groupAttentionForward: n must be at least 1/);
    const dT = new Float32Array(m * d), dA = new Float32Array(2 * d), one = new Float32Array(1), dd = new Float32Array(d);
    assert.throws(() => k!.groupAttentionBackward(p.table, m, d, p.a, p.wBias, p.groups, g, n, p.alpha, att, pre, out, p.dOut, dT.subarray(1), dA, one, dd, dd),
      /groupAttentionBackward: dTable has 11 values, the shape needs 12/);
    assert.throws(() => k!.groupAttentionBackward(p.table, m, d, p.a, p.wBias, Int32Array.of(0, 4, 1, 2), g, n, p.alpha, att, pre, out, p.dOut, dT, dA, one, dd, dd),
      /groupAttentionBackward: groups\[1\] = 4 is not a row of the table/);
  });
}

test('the addon itself checks sizes and rows (not only the TypeScript wrapper)', { skip: skipNative }, () => {
  const addon = loadAddon()!, p = problem(4, 3, 2, 2, 1);
  const att = new Float32Array(4), pre = new Float32Array(4), out = new Float32Array(6);
  const forward = (table: Float32Array, groups: Int32Array) =>
    addon.groupAttentionForward(table, 4, 3, p.a, p.attBias, p.wBias, p.outBias, groups, 2, 2, p.alpha, att, pre, out);
  assert.throws(() => forward(new Float32Array(11), p.groups), /table is shorter than its stated shape/);
  assert.throws(() => forward(p.table, Int32Array.of(0, 1, 4, 0)), /groups\[2\] = 4 is not a row of the table \(M = 4\)/);
  assert.throws(() => forward(p.table, Int32Array.of(0, 1, 2)), /groups is shorter than its stated shape/);
});
