import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fallbackKernels, kernels, type ConvShape, type Kernels } from '../../src/compute/index.js';
import { convSizes } from '../../src/compute/conv-shape.js';
import { rand } from '../nn/grad-check.js';

const native = kernels().name === 'native' ? kernels() : undefined;
const skipNative = !native && 'native addon not built (needs libopenblas-dev) or FACET_NATIVE=0';

/** ResNet's strided convs (padding size >> 1, as torchvision), on odd and even sides. */
const cases: [string, ConvShape][] = [[7, 2, 11, 10, 3, 4], [3, 2, 9, 8, 5, 6], [1, 2, 7, 6, 8, 5], [3, 1, 5, 6, 4, 3]].map(([k, st, h, w, c, oc]) => {
  const p = k >> 1, oh = Math.floor((h + 2 * p - k) / st) + 1, ow = Math.floor((w + 2 * p - k) / st) + 1;
  return [`${k}×${k} stride ${st} on ${h}×${w}`, { n: 2, h, w, c, fh: k, fw: k, oc, sh: st, sw: st, dh: 1, dw: 1, padTop: p, padLeft: p, oh, ow }];
});

/** y, dx and dfilter of the convolution written out as direct float64 loops over every tap. */
function reference(s: ConvShape, x: Float32Array, f: Float32Array, dy: Float32Array) {
  const y = new Float64Array(convSizes(s).y), dx = new Float64Array(x.length), df = new Float64Array(f.length);
  for (let i = 0; i < s.n; i++) for (let oy = 0; oy < s.oh; oy++) for (let ox = 0; ox < s.ow; ox++) {
    const o = ((i * s.oh + oy) * s.ow + ox) * s.oc;
    for (let ky = 0; ky < s.fh; ky++) for (let kx = 0; kx < s.fw; kx++) {
      const iy = oy * s.sh + ky - s.padTop, ix = ox * s.sw + kx - s.padLeft;
      if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w) continue;
      for (let ch = 0; ch < s.c; ch++) {
        const xi = ((i * s.h + iy) * s.w + ix) * s.c + ch, fi = ((ky * s.fw + kx) * s.c + ch) * s.oc;
        for (let q = 0; q < s.oc; q++) {
          y[o + q] += x[xi] * f[fi + q];
          dx[xi] += dy[o + q] * f[fi + q];
          df[fi + q] += dy[o + q] * x[xi];
        }
      }
    }
  }
  return { y, dx, df };
}

function close(got: Float32Array, want: Float64Array, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < got.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= 1e-4 + 1e-4 * Math.abs(want[i]), `${what}[${i}]: ${got[i]} vs ${want[i]}`);
}

function check(k: Kernels): void {
  for (const [name, s] of cases) {
    const z = convSizes(s), x = rand(z.x, 1), f = rand(z.filter, 2), dy = rand(z.y, 3), want = reference(s, x, f, dy);
    const y = new Float32Array(z.y).fill(7), cols = new Float32Array(z.cols);
    k.conv2dForward(s, x, f, y);
    close(y, want.y, `${k.name} ${name} y`);
    k.conv2dForward(s, x, f, y.fill(7), cols);
    close(y, want.y, `${k.name} ${name} y (keeping columns)`);
    const dx = new Float32Array(z.x).fill(7), df = new Float32Array(z.filter).fill(7);
    k.conv2dBackpropInput(s, dy, f, dx);
    close(dx, want.dx, `${k.name} ${name} dx`);
    k.conv2dBackpropFilter(s, x, dy, df);
    close(df, want.df, `${k.name} ${name} dfilter`);
    k.conv2dBackpropFilterColumns(s, cols, dy, df.fill(7));
    close(df, want.df, `${k.name} ${name} dfilter from the columns`);
  }
}

test('fallback strided convs (7×7/2, 3×3/2, 1×1/2) match direct loops', () => check(fallbackKernels));
test('native strided convs (7×7/2, 3×3/2, 1×1/2) match direct loops', { skip: skipNative }, () => check(native!));
