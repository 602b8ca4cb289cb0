import { test } from 'node:test';
import assert from 'node:assert/strict';
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

/** Direct loops over the definition: y[n, oy, ox, o] = Σ x[n, oy·sh + ky·dh − padTop, ox·sw + kx·dw − padLeft, c] · f[ky, kx, c, o]. */
function directConv(s: ConvShape, x: Float32Array, f: Float32Array, dy: Float32Array) {
  const y = new Float32Array(s.n * s.oh * s.ow * s.oc), dx = new Float32Array(x.length), df = new Float32Array(f.length);
  for (let n = 0; n < s.n; n++) for (let oy = 0; oy < s.oh; oy++) for (let ox = 0; ox < s.ow; ox++) {
    const yo = ((n * s.oh + oy) * s.ow + ox) * s.oc;
    for (let ky = 0; ky < s.fh; ky++) for (let kx = 0; kx < s.fw; kx++) {
      const iy = oy * s.sh + ky * s.dh - s.padTop, ix = ox * s.sw + kx * s.dw - s.padLeft;
      if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w) continue;
      for (let c = 0; c < s.c; c++) {
        const xi = ((n * s.h + iy) * s.w + ix) * s.c + c;
        for (let o = 0; o < s.oc; o++) {
          const fi = ((ky * s.fw + kx) * s.c + c) * s.oc + o;
          y[yo + o] += x[xi] * f[fi];
          dx[xi] += dy[yo + o] * f[fi];
          df[fi] += dy[yo + o] * x[xi];
        }
      }
    }
  }
  return { y, dx, df };
}

/** A conv shape with torch's padding arithmetic: out = ⌊(in + 2·pad − dil·(k − 1) − 1) / stride⌋ + 1. */
function shapeOf(n: number, h: number, w: number, c: number, k: [number, number], oc: number, stride: [number, number], pad: [number, number], dil: [number, number] = [1, 1]): ConvShape {
  const out = (i: number, a: 0 | 1) => Math.floor((i + 2 * pad[a] - dil[a] * (k[a] - 1) - 1) / stride[a]) + 1;
  return { n, h, w, c, fh: k[0], fw: k[1], oc, sh: stride[0], sw: stride[1], dh: dil[0], dw: dil[1], padTop: pad[0], padLeft: pad[1], oh: out(h, 0), ow: out(w, 1) };
}

// ResNet's geometries (7×7/2 pad 3 stem, 3×3/2 pad 1, 1×1/2 projection, 3×3 pad 1) plus an uneven, a dilated and a pointwise case
const cases: { name: string; s: ConvShape }[] = [
  { name: '7×7 stride 2 pad 3', s: shapeOf(2, 11, 10, 3, [7, 7], 4, [2, 2], [3, 3]) },
  { name: '3×3 stride 2 pad 1', s: shapeOf(2, 9, 8, 3, [3, 3], 5, [2, 2], [1, 1]) },
  { name: '1×1 stride 2', s: shapeOf(3, 7, 6, 4, [1, 1], 3, [2, 2], [0, 0]) },
  { name: '3×3 pad 1', s: shapeOf(2, 7, 6, 3, [3, 3], 4, [1, 1], [1, 1]) },
  { name: '3×2 stride 2 valid', s: shapeOf(3, 9, 8, 2, [3, 2], 5, [2, 2], [0, 0]) },
  { name: '3×3 dilated', s: shapeOf(1, 8, 8, 2, [3, 3], 3, [1, 1], [2, 2], [2, 2]) },
  { name: '1×1', s: shapeOf(2, 5, 4, 6, [1, 1], 3, [1, 1], [0, 0]) },
];

/** The three conv passes checked against direct loops over the definition. */
function checkConv(kern: Kernels): void {
  for (const { name, s } of cases) {
    const z = convSizes(s), x = rand(z.x, 1), f = rand(z.filter, 2), dy = rand(z.y, 3);
    const want = directConv(s, x, f, dy);
    const y = new Float32Array(z.y);
    kern.conv2dForward(s, x, f, y);
    close(y, want.y, `${kern.name} ${name} forward`);
    const dx = new Float32Array(x.length).fill(7); // must be overwritten, not accumulated into
    kern.conv2dBackpropInput(s, dy, f, dx);
    close(dx, want.dx, `${kern.name} ${name} dx`);
    const df = new Float32Array(f.length).fill(7);
    kern.conv2dBackpropFilter(s, x, dy, df);
    close(df, want.df, `${kern.name} ${name} dfilter`);
  }
}

test('fallback conv2d forward and both backward passes match direct loops (ResNet\'s strides and paddings)', () => checkConv(fallbackKernels));
test('native conv2d forward and both backward passes match direct loops (ResNet\'s strides and paddings)', { skip: skipNative }, () => checkConv(native!));

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
