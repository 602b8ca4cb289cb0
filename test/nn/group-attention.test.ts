import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fallbackKernels, kernels, type Kernels } from '../../src/compute/index.js';
import { GroupAttention, type GroupAttentionWeights } from '../../src/nn/group-attention.js';
import { checkFd, dot, rand } from './grad-check.js';

const native = kernels().name === 'native' ? kernels() : undefined;
const M = 7, D = 4, n = 3;
// 5 groups of 3 table rows, row 0 the query; rows shared between groups, row 6 unused
const groups = Int32Array.of(0, 1, 2, 3, 0, 4, 2, 2, 5, 4, 1, 3, 1, 0, 5);
const weights = (): GroupAttentionWeights => ({ a: rand(2 * D, 1), attBias: Float32Array.of(0.2), wBias: rand(D, 2, 0.3), outBias: rand(D, 3, 0.3) });
const zeros = (): GroupAttentionWeights => ({ a: new Float32Array(2 * D), attBias: new Float32Array(1), wBias: new Float32Array(D), outBias: new Float32Array(D) });

for (const [name, k] of [['fallback', fallbackKernels], ['native', native]] as [string, Kernels | undefined][]) {
  test(`${name} kernels: GroupAttention backward matches finite differences; applying it twice sums the weights' gradients`, { skip: !k && 'native addon not built' }, () => {
    const table = rand(M * D, 5, 2), w = weights(), r = rand((groups.length / n) * D, 6);
    const layer = new GroupAttention(0.2, k);
    const loss = () => dot(layer.forward(table, M, D, w, groups, n, true), r);
    loss();
    const g = zeros();
    const dTable = Float32Array.from(layer.backward(r, g));
    assert.ok(dTable.subarray(6 * D).every((v) => v === 0), 'a row no group reads gets no gradient');
    checkFd('dTable', table, dTable, loss, 1e-3);
    for (const key of ['a', 'attBias', 'wBias', 'outBias'] as const) checkFd(key, w[key], Float32Array.from(g[key]), loss, 1e-3);
    const once = Float32Array.from(g.a);
    loss();
    layer.backward(r, g);
    g.a.forEach((v, i) => assert.ok(Math.abs(v - 2 * once[i]) < 1e-5));
  });
}

test('GroupAttention: backward before a training forward, and rows that are not groups, are refused', () => {
  const layer = new GroupAttention(0.2, fallbackKernels);
  assert.throws(() => layer.backward(new Float32Array(5 * D), zeros()), /backward needs a training forward first/);
  layer.forward(rand(M * D, 1), M, D, weights(), groups, n, false);
  assert.throws(() => layer.backward(new Float32Array(5 * D), zeros()), /backward needs a training forward first/);
  assert.throws(() => layer.forward(rand(M * D, 1), M, D, weights(), groups.subarray(1), n, true), /14 group rows are not groups of 3/);
});
