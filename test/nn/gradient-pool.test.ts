import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GradientPool, gradients } from '../../src/nn/layer.js';
import { Relu, Sequential } from '../../src/nn/index.js';

test('the gradient pool lends the smallest free buffer that fits, and allocates only when none does', () => {
  const pool = new GradientPool();
  const a = pool.take(100), b = pool.take(10);
  assert.equal(a.length, 100);
  pool.give(a);
  pool.give(b);
  const c = pool.take(8);
  assert.equal(c.buffer, b.buffer, 'the 10-value buffer serves a request for 8');
  assert.equal(c.length, 8);
  assert.equal(pool.take(50).buffer, a.buffer);
  assert.notEqual(pool.take(50).buffer, a.buffer, 'a lent buffer is not lent twice');
});

test('a chain of layers holds two input gradients at a time, not one per layer', () => {
  const net = new Sequential('chain', Array.from({ length: 6 }, (_, i) => new Relu(`relu${i}`, [1000])));
  const x = Float32Array.from({ length: 2000 }, (_, i) => Math.sin(i));
  net.forward(x, 2, true);
  const dy = new Float32Array(2000).fill(1);
  const taken = new Set<ArrayBufferLike>();
  const take = gradients.take.bind(gradients);
  gradients.take = (size: number) => { const g = take(size); taken.add(g.buffer); return g; };
  try {
    for (let i = 0; i < 3; i++) {
      const dx = net.backward(dy, true)!;
      for (let j = 0; j < dx.length; j++) assert.equal(dx[j], x[j] > 0 ? 1 : 0);
      gradients.give(dx);
      net.forward(x, 2, true);
    }
  } finally {
    gradients.take = take;
  }
  assert.ok(taken.size <= 2, `${taken.size} distinct gradient buffers over three backward passes of six layers`);
});
