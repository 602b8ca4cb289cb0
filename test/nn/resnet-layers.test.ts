import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fallbackKernels, kernels, type Kernels } from '../../src/compute/index.js';
import { Conv2d, type Layer } from '../../src/nn/index.js';
import { checkLayer, rand } from './grad-check.js';

const native = kernels().name === 'native' ? kernels() : undefined;
const skipNative = !native && 'native addon not built (needs libopenblas-dev) or FACET_NATIVE=0';

const conv = (name: string, shape: number[], oc: number, size: number, stride: number, k: Kernels, keepColumns = true) =>
  new Conv2d(name, shape, oc, rand(size * size * shape[2] * oc, name.length + 3 * size, 0.5), { size, stride, keepColumns }, k);

const layers: [string, (k: Kernels) => Layer][] = [
  ['conv 7×7 stride 2', (k) => conv('stem', [9, 8, 2], 3, 7, 2, k)],
  ['conv 3×3 stride 2 (columns rebuilt)', (k) => conv('c3', [7, 6, 3], 4, 3, 2, k, false)],
  ['conv 1×1 stride 2', (k) => conv('down', [5, 6, 4], 3, 1, 2, k)],
];

for (const [name, make] of layers) {
  test(`fallback engine: ${name} backward matches finite differences`, () => checkLayer(make(fallbackKernels), 2, 21));
  test(`native engine: ${name} backward matches finite differences`, { skip: skipNative }, () => checkLayer(make(native!), 2, 21));
}

test('Conv2d output sides follow torchvision (padding size >> 1); bad options are refused', () => {
  const shapes = [[7, 2, 224], [3, 2, 56], [1, 2, 56], [3, 1, 7], [3, 2, 7], [1, 1, 5], [7, 2, 1]].map(([size, stride, side]) =>
    conv('c', [side, side, 1], 2, size, stride, fallbackKernels).outShape);
  assert.deepEqual(shapes, [[112, 112, 2], [28, 28, 2], [28, 28, 2], [7, 7, 2], [4, 4, 2], [5, 5, 2], [1, 1, 2]]);
  assert.throws(() => new Conv2d('c', [4, 4, 1], 1, new Float32Array(9), { stride: 0 }), /c: stride must be a positive integer, got 0/);
  assert.throws(() => new Conv2d('c', [4, 4, 1], 1, new Float32Array(9), { size: 2.5 }), /c: size must be a positive integer, got 2.5/);
  assert.throws(() => new Conv2d('c', [4, 4, 1], 1, new Float32Array(9), { size: 1 }), /c.w: 9 values for shape \[1, 1, 1, 1\]/);
});

test('Conv2d gives the same gradients with and without kept columns', () => {
  const x = rand(3 * 8 * 8 * 3, 5), r = rand(3 * 4 * 4 * 4, 6);
  const grads = [true, false].map((keep) => {
    const l = conv('c', [8, 8, 3], 4, 3, 2, fallbackKernels, keep);
    l.forward(x, 3, true);
    const dx = Float32Array.from(l.backward(r, true)!);
    return [dx, Float32Array.from(l.params[0].grad!)];
  });
  assert.deepEqual(grads[0], grads[1]);
});
