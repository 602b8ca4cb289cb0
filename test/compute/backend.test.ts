import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '../../src/compute/backend.js';

function rand(shape: number[], seed: number): tf.Tensor {
  let s = seed >>> 0;
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) - 0.5), shape);
}

/** Loss and every gradient of a model, computed on one backend. */
async function gradsOn(backend: 'cpu' | 'native', model: (p: tf.Tensor[]) => tf.Scalar, params: () => tf.Tensor[]) {
  await setupBackend(backend);
  const p = params();
  const { value, grads } = tf.valueAndGrads((...args: tf.Tensor[]) => model(args))(p);
  return { loss: value.dataSync()[0], grads: grads.map((g) => Float32Array.from(g.dataSync())) };
}

async function assertSameOnBothBackends(model: (p: tf.Tensor[]) => tf.Scalar, params: () => tf.Tensor[]) {
  const cpu = await gradsOn('cpu', model, params);
  const nat = await gradsOn('native', model, params);
  assert.ok(Math.abs(cpu.loss - nat.loss) < 1e-4 * (1 + Math.abs(cpu.loss)), `loss ${nat.loss} vs ${cpu.loss}`);
  cpu.grads.forEach((g, i) => {
    const scale = Math.max(...g.map(Math.abs));
    assert.ok(scale > 0, `gradient ${i} is zero: the check would be empty`);
    g.forEach((v, j) => assert.ok(Math.abs(nat.grads[i][j] - v) <= 1e-4 * scale, `grad ${i}[${j}]: ${nat.grads[i][j]} vs ${v}`));
  });
}

test('a tiny CNN (conv, BN, relu, pool, dense) has the same loss and gradients on native and cpu', async () => {
  const x = () => rand([4, 8, 8, 1], 1);
  const params = () => [rand([3, 3, 1, 4], 2), rand([3, 3, 4, 6], 3), rand([2 * 2 * 6, 5], 4), rand([5], 5), rand([6], 16), rand([6], 17)];
  const model = ([w1, w2, wd, bd, gamma, beta]: tf.Tensor[]) => {
    // tfjs's batchNorm gradient fails when scale/offset are omitted, so both are always given
    const bn = (t: tf.Tensor4D) => {
      const { mean, variance } = tf.moments(t, [0, 1, 2]);
      const c = t.shape[3];
      return tf.batchNorm(t, mean, variance, tf.slice(beta, 0, c), tf.add(tf.slice(gamma, 0, c), 1), 1e-5);
    };
    let h = tf.maxPool(tf.relu(bn(tf.conv2d(x() as tf.Tensor4D, w1 as tf.Tensor4D, 1, 'same'))) as tf.Tensor4D, 2, 2, 'valid');
    h = tf.maxPool(tf.relu(bn(tf.conv2d(h, w2 as tf.Tensor4D, [1, 1], 'same'))) as tf.Tensor4D, 2, 2, 'valid');
    const logits = tf.add(tf.matMul(tf.reshape(h, [4, -1]), wd as tf.Tensor2D), bd);
    return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d([0, 3, 1, 4], 'int32'), 5), logits) as tf.Scalar;
  };
  await assertSameOnBothBackends(model, params);
});

test('a tiny GAT layer (matMul, gather, leakyRelu, segment softmax, aggregation) matches cpu', async () => {
  const nodes = 6;
  const src = tf.tensor1d([0, 1, 2, 3, 4, 5, 0, 2, 4, 1], 'int32');
  const dst = tf.tensor1d([1, 2, 3, 4, 5, 0, 2, 4, 0, 3], 'int32');
  const params = () => [rand([nodes, 5], 6), rand([5, 4], 7), rand([4, 1], 8), rand([4, 1], 9)];
  const model = ([feats, w, aSrc, aDst]: tf.Tensor[]) => {
    const h = tf.matMul(feats as tf.Tensor2D, w as tf.Tensor2D);
    const hs = tf.gather(h, src), hd = tf.gather(h, dst);
    const e = tf.reshape(tf.leakyRelu(tf.add(tf.matMul(hs as tf.Tensor2D, aSrc as tf.Tensor2D), tf.matMul(hd as tf.Tensor2D, aDst as tf.Tensor2D)), 0.2), [-1]);
    const ex = tf.exp(e);
    const denom = tf.gather(tf.unsortedSegmentSum(ex, dst, nodes), dst);
    const alpha = tf.reshape(tf.div(ex, denom), [-1, 1]);
    const out = tf.unsortedSegmentSum(tf.mul(alpha, hs), dst, nodes);
    return tf.sum(tf.square(tf.elu(out))) as tf.Scalar;
  };
  await assertSameOnBothBackends(model, params);
});

test('fused matMul with bias and relu, and batched matMul with broadcasting, match cpu', async () => {
  const run = async (backend: 'cpu' | 'native') => {
    await setupBackend(backend);
    const a = rand([2, 3, 4, 5], 10), b = rand([5, 6], 11), c = rand([3, 6, 5], 12);
    return [
      tf.fused.matMul({ a: tf.reshape(a, [24, 5]) as tf.Tensor2D, b: b as tf.Tensor2D, bias: rand([6], 13), activation: 'relu' }).dataSync(),
      tf.matMul(tf.reshape(a, [6, 4, 5]), rand([6, 5, 4], 14), true, true).dataSync(),
      tf.matMul(rand([1, 4, 5], 15), c, false, true).dataSync(),
    ].map((t) => Float32Array.from(t));
  };
  const cpu = await run('cpu'), nat = await run('native');
  cpu.forEach((t, i) => t.forEach((v, j) => assert.ok(Math.abs(nat[i][j] - v) < 1e-4, `case ${i} [${j}]: ${nat[i][j]} vs ${v}`)));
});

test('unsortedSegmentSum is linear: 400 segments × 32,000 rows × 64 in well under a second', async () => {
  await setupBackend('native');
  const ids = tf.tensor1d(Int32Array.from({ length: 32000 }, (_, i) => (i * 7919) % 400), 'int32');
  const x = tf.ones([32000, 64]);
  const t0 = Date.now();
  const out = tf.unsortedSegmentSum(x, ids, 400).dataSync();
  assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
  assert.equal(out[0], 80); // 32000 rows spread evenly over 400 segments
});

test('setupBackend rejects an unknown name and a missing tfjs-node', async () => {
  await assert.rejects(setupBackend('gpu' as never), /--backend must be one of auto, native, tensorflow, cpu, wasm, got "gpu"/);
  await assert.rejects(setupBackend('tensorflow'), /needs @tensorflow\/tfjs-node/);
});

test('broadcasting binary ops, leading/trailing/middle reductions and maxPoolGrad match cpu', async () => {
  const run = async (backend: 'cpu' | 'native') => {
    await setupBackend(backend);
    const a = rand([3, 4, 5], 20);
    const outs = [
      tf.mul(a, rand([5], 21)), tf.sub(rand([3, 1, 1], 22), a), tf.div(a, tf.add(tf.abs(rand([4, 1], 23)), 1)),
      tf.add(rand([1, 4, 5], 24), a), tf.mul(a, tf.scalar(3)), tf.sub(rand([3, 4, 1], 27), rand([3, 1, 5], 28)),
      tf.sum(a, [0, 1]), tf.mean(a, [-1], true), tf.sum(a, 1), tf.mean(a),
      tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(x as tf.Tensor4D, 3, 2, 'same'), rand([2, 3, 3, 2], 26))))(rand([2, 6, 5, 2], 25)),
    ];
    return outs.map((t) => ({ shape: t.shape, v: Float32Array.from(t.dataSync()) }));
  };
  const cpu = await run('cpu'), nat = await run('native');
  cpu.forEach((t, i) => {
    assert.deepEqual(nat[i].shape, t.shape, `case ${i} shape`);
    t.v.forEach((v, j) => assert.ok(Math.abs(nat[i].v[j] - v) < 1e-5 * (1 + Math.abs(v)), `case ${i} [${j}]: ${nat[i].v[j]} vs ${v}`));
  });
});
