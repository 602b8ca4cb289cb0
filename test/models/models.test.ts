import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Random } from '../../src/data/random.js';
import { embed } from '../../src/models/embedding-model.js';
import { mlpModel } from '../../src/models/mlp.js';
import { smallCnnModel } from '../../src/models/small-cnn.js';
import { buildModel } from '../../src/train/build-model.js';
import { defaultTrainConfig } from '../../src/train/config.js';
import { repoRoot } from '../helpers/golden.js';

const close = (got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string) => {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= tol * (1 + Math.abs(want[i])), `${what}[${i}]: ${got[i]} vs ${want[i]}`);
};

test('MLP without hidden layers is the linear embedding x·A + b', () => {
  const m = mlpModel(3, [], 2, new Random(1));
  const x = Float32Array.of(1, 2, 3, 0, -1, 0.5);
  const A = m.params.get('dense0.w')!.value;
  const got = m.forward(x, 2);
  for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) {
    assert.ok(Math.abs(got[i * 2 + j] - [0, 1, 2].reduce((s, k) => s + x[i * 3 + k] * A[k * 2 + j], 0)) < 1e-5);
  }
});

test('the MLP on facet\'s layers gives the outputs and gradients of the TensorFlow.js MLP it replaced (same seed)', () => {
  // made by the tfjs MLP of 2026-11 (mlpModel(8, [6, 5], 4, new Random(3)), loss Σ e·R)
  const want = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/tfjs-checkpoints/mlp-outputs.json'), 'utf8')) as { output: number[]; grads: Record<string, number[]> };
  const m = mlpModel(8, [6, 5], 4, new Random(3));
  const x = Float32Array.from({ length: 3 * 8 }, (_, i) => Math.sin(0.7 * i));
  close(m.forward(x, 3), want.output, 1e-5, 'output');
  const f = m.trainForward(x, 3);
  const grads = f.backward(Float32Array.from({ length: 3 * 4 }, (_, i) => Math.cos(0.3 * i)));
  assert.deepEqual([...grads.keys()].sort(), Object.keys(want.grads).sort());
  for (const [name, g] of grads) close(g, want.grads[name], 1e-5, name);
});

test('the same seed builds the same model', () => {
  const a = mlpModel(4, [5], 3, new Random(7)), b = mlpModel(4, [5], 3, new Random(7));
  for (const [k, v] of a.params) assert.deepEqual(v.value, b.params.get(k)!.value);
});

test('small CNN embeds 28×28 and 32×32 grey images; evaluation embeddings are unit-norm', () => {
  for (const size of [28, 32]) {
    const m = smallCnnModel(size, size, 1, 16, new Random(2));
    const x = Float32Array.from({ length: 3 * size * size }, (_, i) => Math.sin(i));
    assert.equal(m.forward(x, 3).length, 3 * 16);
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
  assert.throws(() => mlpModel(4, [], 2, new Random(1)).forward(new Float32Array(6), 2), /MLP: 6 input values is not 2 samples of \[4\]/);
});
