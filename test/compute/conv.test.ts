import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { registerAllGradients } from '../../src/compute/tfjs-gradients.js';
import { fallbackKernels, kernels, type ConvShape, type Kernels } from '../../src/compute/index.js';
import { convSizes } from '../../src/compute/conv-shape.js';

const native = kernels().name === 'native' ? kernels() : undefined;
const skipNative = !native && 'native addon not built (needs libopenblas-dev) or FACET_NATIVE=0';

function rand(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1);
}

function close(got: Float32Array, want: Float32Array | number[] | Int32Array | Uint8Array, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < got.length; i++) {
    assert.ok(Math.abs(got[i] - Number(want[i])) <= 1e-4 + 1e-4 * Math.abs(Number(want[i])), `${what}[${i}]: ${got[i]} vs ${want[i]}`);
  }
}

// stride 2 + same padding + dilation cover the index arithmetic; 1×1 covers the pointwise shortcut
const cases: { name: string; x: [number, number, number, number]; f: [number, number, number, number]; strides: [number, number]; pad: 'same' | 'valid'; dil: [number, number] }[] = [
  { name: '3×3 same', x: [2, 7, 6, 3], f: [3, 3, 3, 4], strides: [1, 1], pad: 'same', dil: [1, 1] },
  { name: '3×2 stride 2 valid', x: [3, 9, 8, 2], f: [3, 2, 2, 5], strides: [2, 2], pad: 'valid', dil: [1, 1] },
  { name: '3×3 dilated same', x: [1, 8, 8, 2], f: [3, 3, 2, 3], strides: [1, 1], pad: 'same', dil: [2, 2] },
  { name: '1×1', x: [2, 5, 4, 6], f: [1, 1, 6, 3], strides: [1, 1], pad: 'valid', dil: [1, 1] },
];

/** The three conv passes checked against TensorFlow.js's own cpu kernels (an independent implementation). */
async function checkConv(kern: Kernels): Promise<void> {
  await registerAllGradients();
  await tf.setBackend('cpu');
  for (const c of cases) {
    const x = rand(c.x.reduce((a, b) => a * b), 1), f = rand(c.f.reduce((a, b) => a * b), 2);
    const xt = tf.tensor4d(x, c.x), ft = tf.tensor4d(f, c.f);
    const yt = tf.conv2d(xt, ft, c.strides, c.pad, 'NHWC', c.dil);
    const info = tf.backend_util.computeConv2DInfo(c.x, c.f, c.strides, c.dil, c.pad);
    const s: ConvShape = {
      n: info.batchSize, h: info.inHeight, w: info.inWidth, c: info.inChannels, fh: info.filterHeight, fw: info.filterWidth,
      oc: info.outChannels, sh: info.strideHeight, sw: info.strideWidth, dh: info.dilationHeight, dw: info.dilationWidth,
      padTop: info.padInfo.top, padLeft: info.padInfo.left, oh: info.outHeight, ow: info.outWidth,
    };
    const y = new Float32Array(yt.size);
    kern.conv2dForward(s, x, f, y);
    close(y, yt.dataSync(), `${kern.name} ${c.name} forward`);
    if (c.dil[0] !== 1) continue; // tfjs's backprop kernels take no dilation
    const dy = rand(yt.size, 3), dyt = tf.tensor4d(dy, yt.shape as [number, number, number, number]);
    const dx = new Float32Array(x.length).fill(7); // must be overwritten, not accumulated into
    kern.conv2dBackpropInput(s, dy, f, dx);
    close(dx, tf.conv2dTranspose(dyt, ft, c.x, c.strides, c.pad).dataSync(), `${kern.name} ${c.name} dx`);
    const df = new Float32Array(f.length).fill(7);
    kern.conv2dBackpropFilter(s, x, dy, df);
    const dft = tf.grad((w: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(xt, w as tf.Tensor4D, c.strides, c.pad), dyt)))(ft);
    close(df, dft.dataSync(), `${kern.name} ${c.name} dfilter`);
  }
}

test('fallback conv2d forward and both backward passes match tfjs-cpu', () => checkConv(fallbackKernels));
test('native conv2d forward and both backward passes match tfjs-cpu', { skip: skipNative }, () => checkConv(native!));

test('native and fallback conv2d agree on random data', { skip: skipNative }, () => {
  const s: ConvShape = { n: 4, h: 12, w: 10, c: 5, fh: 3, fw: 3, oc: 7, sh: 1, sw: 2, dh: 1, dw: 1, padTop: 1, padLeft: 1, oh: 12, ow: 5 };
  const x = rand(4 * 12 * 10 * 5, 4), f = rand(3 * 3 * 5 * 7, 5), dy = rand(4 * 12 * 5 * 7, 6);
  const run = (k: Kernels) => {
    const y = new Float32Array(dy.length), dx = new Float32Array(x.length), df = new Float32Array(f.length);
    k.conv2dForward(s, x, f, y);
    k.conv2dBackpropInput(s, dy, f, dx);
    k.conv2dBackpropFilter(s, x, dy, df);
    return { y, dx, df };
  };
  const a = run(native!), b = run(fallbackKernels);
  close(a.y, b.y, 'y');
  close(a.dx, b.dx, 'dx');
  close(a.df, b.df, 'dfilter');
});

test('batched sgemm broadcasts a stride-0 operand and agrees native vs fallback', () => {
  const [batch, m, n, k] = [3, 4, 5, 6];
  const a = rand(batch * m * k, 8), b = rand(k * n, 9);
  const want = new Float32Array(batch * m * n);
  fallbackKernels.sgemm(false, false, batch * m, n, k, 1, a, b, 0, want);
  for (const kern of [fallbackKernels, ...(native ? [native] : [])]) {
    const c = new Float32Array(batch * m * n);
    kern.sgemmBatched(false, false, batch, m, n, k, 1, a, m * k, b, 0, 0, c);
    close(c, want, `${kern.name} batched`);
  }
  assert.throws(() => fallbackKernels.sgemmBatched(false, false, 3, m, n, k, 1, a.subarray(1), m * k, b, 0, 0, want), /A is shorter/);
});

test('conv kernels name the array that is too short', () => {
  const s: ConvShape = { n: 1, h: 3, w: 3, c: 1, fh: 3, fw: 3, oc: 1, sh: 1, sw: 1, dh: 1, dw: 1, padTop: 0, padLeft: 0, oh: 1, ow: 1 };
  assert.throws(() => fallbackKernels.conv2dForward(s, new Float32Array(8), new Float32Array(9), new Float32Array(1)), /x has 8 values, the shape needs 9/);
  if (native) assert.throws(() => native.conv2dForward(s, new Float32Array(9), new Float32Array(8), new Float32Array(1)), /second input is shorter/);
  const ok = () => [new Float32Array(9), new Float32Array(9), new Float32Array(1)] as const;
  assert.throws(() => fallbackKernels.conv2dForward(s, ...ok(), new Float32Array(8)), /cols has 8 values, the shape needs 9/);
  assert.throws(() => fallbackKernels.conv2dBackpropFilterColumns(s, new Float32Array(8), new Float32Array(1), new Float32Array(9)), /cols has 8 values/);
  if (native) {
    assert.throws(() => native.conv2dForward(s, ...ok(), new Float32Array(8)), /columns is shorter/);
    assert.throws(() => native.conv2dBackpropFilterColumns(s, new Float32Array(8), new Float32Array(1), new Float32Array(9)), /conv2d input is shorter/);
  }
});

// geometry cases plus one whose im2col spans several chunks (2.4M floats per image, chunks of 4M floats)
const columnShapes: ConvShape[] = [
  { n: 3, h: 7, w: 6, c: 3, fh: 3, fw: 3, oc: 4, sh: 1, sw: 1, dh: 1, dw: 1, padTop: 1, padLeft: 1, oh: 7, ow: 6 },
  { n: 4, h: 12, w: 10, c: 5, fh: 3, fw: 3, oc: 7, sh: 1, sw: 2, dh: 1, dw: 1, padTop: 1, padLeft: 1, oh: 12, ow: 5 },
  { n: 2, h: 8, w: 8, c: 2, fh: 3, fw: 3, oc: 3, sh: 1, sw: 1, dh: 2, dw: 2, padTop: 2, padLeft: 2, oh: 8, ow: 8 },
  { n: 2, h: 5, w: 4, c: 6, fh: 1, fw: 1, oc: 3, sh: 1, sw: 1, dh: 1, dw: 1, padTop: 0, padLeft: 0, oh: 5, ow: 4 },
  { n: 3, h: 64, w: 64, c: 64, fh: 3, fw: 3, oc: 2, sh: 1, sw: 1, dh: 1, dw: 1, padTop: 1, padLeft: 1, oh: 64, ow: 64 },
];

for (const kern of [fallbackKernels, ...(native ? [native] : [])]) {
  test(`${kern.name} forward with columns gives the same y, and the filter gradient from them matches x's`, () => {
    for (const [i, s] of columnShapes.entries()) {
      const z = convSizes(s), x = rand(z.x, 10 + i), f = rand(z.filter, 20 + i), dy = rand(z.y, 30 + i);
      const y = new Float32Array(z.y), yc = new Float32Array(z.y), cols = new Float32Array(z.cols).fill(NaN);
      kern.conv2dForward(s, x, f, y);
      kern.conv2dForward(s, x, f, yc, cols);
      close(yc, y, `${kern.name} case ${i} y with columns`);
      const df = new Float32Array(z.filter), dfc = new Float32Array(z.filter).fill(7);
      kern.conv2dBackpropFilter(s, x, dy, df);
      kern.conv2dBackpropFilterColumns(s, cols, dy, dfc);
      close(dfc, df, `${kern.name} case ${i} dfilter from columns`);
      // a pointwise conv's columns are x itself
      if (i === 3) close(cols, x, 'pointwise columns');
    }
  });
}

test('native and fallback write the same columns and agree across chunks', { skip: skipNative }, () => {
  for (const [i, s] of columnShapes.entries()) {
    const z = convSizes(s), x = rand(z.x, 40 + i), f = rand(z.filter, 50 + i), dy = rand(z.y, 60 + i);
    const a = new Float32Array(z.cols), b = new Float32Array(z.cols);
    native!.conv2dForward(s, x, f, new Float32Array(z.y), a);
    fallbackKernels.conv2dForward(s, x, f, new Float32Array(z.y), b);
    assert.deepEqual(a, b, `case ${i} columns`);
    const dxa = new Float32Array(z.x).fill(3), dxb = new Float32Array(z.x).fill(-3);
    native!.conv2dBackpropInput(s, dy, f, dxa);
    fallbackKernels.conv2dBackpropInput(s, dy, f, dxb);
    close(dxa, dxb, `case ${i} dx`);
  }
});
