import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '../../src/compute/backend.js';
import { Random } from '../../src/data/random.js';
import { embed } from '../../src/models/embedding-model.js';
import { mlpModel } from '../../src/models/mlp.js';
import { smallCnnModel } from '../../src/models/small-cnn.js';
import { buildModel } from '../../src/train/build-model.js';
import { defaultTrainConfig } from '../../src/train/config.js';

await setupBackend('cpu');

test('MLP without hidden layers is the linear embedding x·A + b', () => {
  const m = mlpModel(3, [], 2, new Random(1));
  const x = tf.tensor2d([[1, 2, 3], [0, -1, 0.5]]);
  const A = m.params.get('dense0.w')!.arraySync() as number[][];
  const got = m.forward(x).arraySync();
  for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) {
    const xi = (x.arraySync() as number[][])[i];
    assert.ok(Math.abs(got[i][j] - xi.reduce((s, v, k) => s + v * A[k][j], 0)) < 1e-5);
  }
});

test('the same seed builds the same model', () => {
  const a = mlpModel(4, [5], 3, new Random(7)), b = mlpModel(4, [5], 3, new Random(7));
  for (const [k, v] of a.params) assert.deepEqual(v.dataSync(), b.params.get(k)!.dataSync());
});

test('small CNN embeds 28×28 and 32×32 grey images; evaluation embeddings are unit-norm', () => {
  for (const size of [28, 32]) {
    const m = smallCnnModel(size, size, 1, 16, new Random(2));
    const x = Float32Array.from({ length: 3 * size * size }, (_, i) => Math.sin(i));
    assert.deepEqual(m.forward(tf.tensor(x, [3, size, size, 1])).shape, [3, 16]);
    const e = embed(m, x, 3, 2);
    for (let i = 0; i < 3; i++) {
      const n = Math.hypot(...e.subarray(i * 16, (i + 1) * 16));
      assert.ok(Math.abs(n - 1) < 1e-5, `row ${i} norm ${n}`);
    }
  }
});

test('a model that does not fit the samples is refused with the option named', () => {
  assert.throws(() => buildModel({ ...defaultTrainConfig, model: 'mlp' }, [28, 28, 1], new Random(1)), /--model mlp needs feature vectors, got samples of shape \[28,28,1\]/);
  assert.throws(() => buildModel({ ...defaultTrainConfig, model: 'small-cnn' }, [64], new Random(1)), /--model small-cnn needs images/);
});

test('ResNet-18 and ResNet-50: torchvision layouts (parameter counts), embeddings of the set size', async () => {
  const { resnetModel } = await import('../../src/models/resnet.js');
  const count = (m: { params: Map<string, tf.Variable> }) => [...m.params.values()].filter((v) => v.trainable).reduce((s, v) => s + v.size, 0);
  // torchvision resnet18 / resnet50 without fc: 11,176,512 / 23,508,032 parameters; + Linear(512|2048 → 128)
  const r18 = resnetModel(18, 32, 32, 3, 128, new Random(1));
  assert.equal(count(r18), 11_176_512 + 512 * 128 + 128);
  const r50 = resnetModel(50, 32, 32, 3, 128, new Random(1));
  assert.equal(count(r50), 23_508_032 + 2048 * 128 + 128);
  const x = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 1);
  assert.deepEqual(r18.forward(x).shape, [2, 128]);
  // training mode updates BatchNorm's running mean; evaluation mode leaves it alone
  const mean = () => Array.from(r18.params.get('stem.bn.mean')!.dataSync());
  r18.setTraining!(false);
  r18.forward(x);
  assert.ok(mean().every((v) => v === 0));
  r18.setTraining!(true);
  r18.forward(x);
  assert.ok(mean().some((v) => v !== 0));
});
