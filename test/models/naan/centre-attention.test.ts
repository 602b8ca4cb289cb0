import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fallbackKernels } from '../../../src/compute/index.js';
import { GroupAttention, type GroupAttentionWeights } from '../../../src/nn/group-attention.js';
import { CentreAttention } from '../../../src/models/naan/centre-attention.js';
import { rand } from '../../nn/grad-check.js';

const k = fallbackKernels;
const close = (what: string, got: ArrayLike<number>, want: ArrayLike<number>) => {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= 1e-5 * (1 + Math.abs(want[i])), `${what}[${i}]: ${got[i]} vs ${want[i]}`);
};

test('CentreAttention equals GroupAttention on the projected table [x_v·W; agg·W], values and every gradient', () => {
  const B = 3, k1 = 4, D = 5, G = B * k1;
  const w = rand(D * D, 1, 0.6), query = rand(B * D, 2), agg = rand(G * D, 3).map(Math.abs), dOut = rand(B * D, 4);
  const weights: GroupAttentionWeights = { a: rand(2 * D, 5), attBias: Float32Array.of(0.3), wBias: rand(D, 6, 0.3), outBias: rand(D, 7, 0.3) };
  const zeros = (): GroupAttentionWeights => ({ a: new Float32Array(2 * D), attBias: new Float32Array(1), wBias: new Float32Array(D), outBias: new Float32Array(D) });
  // reference: the aggregates projected, then the plain group attention over [query rows; projected rows]
  const table = new Float32Array((B + G) * D);
  table.set(query);
  k.sgemm(false, false, G, D, D, 1, agg, w, 0, table.subarray(B * D));
  const groups = Int32Array.from({ length: B * (k1 + 1) }, (_, i) => { const b = Math.floor(i / (k1 + 1)), j = i % (k1 + 1); return j === 0 ? b : B + b * k1 + j - 1; });
  const plain = new GroupAttention(0.2, k);
  const want = Float32Array.from(plain.forward(table, B + G, D, weights, groups, k1 + 1, true));
  const wantGrads = zeros();
  const dTable = plain.backward(dOut, wantGrads);
  const wantDAgg = new Float32Array(G * D), wantDW = new Float32Array(D * D);
  k.sgemm(false, true, G, D, D, 1, dTable.subarray(B * D), w, 0, wantDAgg);
  k.sgemm(true, false, D, D, G, 1, agg, dTable.subarray(B * D), 0, wantDW);

  const centre = new CentreAttention(0.2, D, k);
  close('out', centre.forward(query, agg, w, weights, B, k1, true), want);
  const grads = zeros(), dW = new Float32Array(D * D);
  const { dQuery, dAgg } = centre.backward(dOut, dW, grads);
  close('dQuery', dQuery, dTable.subarray(0, B * D));
  close('dAgg', dAgg, wantDAgg);
  close('dW', dW, wantDW);
  for (const key of ['a', 'attBias', 'wBias', 'outBias'] as const) close(key, grads[key], wantGrads[key]);
  assert.throws(() => new CentreAttention(0.2, D, k).backward(dOut, dW, grads), /backward needs a training forward first/);
});
