import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convEngine, fallbackKernels, kernels, type ConvShape, type Kernels } from '../../src/compute/index.js';
import { convSizes } from '../../src/compute/conv-shape.js';
import { rand } from '../nn/grad-check.js';

const native = kernels().name === 'native' ? kernels() : undefined;
const skipNative = !native && 'native addon not built (needs libopenblas-dev) or FACET_NATIVE=0';

/** A conv with padding size >> 1 (as facet's Conv2d), on a small side but with the channel counts of the real layer. */
function shape(n: number, side: number, c: number, size: number, oc: number, stride: number): ConvShape {
  const p = size >> 1, out = Math.floor((side + 2 * p - size) / stride) + 1;
  return { n, h: side, w: side, c, fh: size, fw: size, oc, sh: stride, sw: stride, dh: 1, dw: 1, padTop: p, padLeft: p, oh: out, ow: out };
}

// ResNet-18/50's convolutions (stem, 3×3 and 1×1 at every width, the strided ones and their projections) and the small CNN's
// 1-channel first layer: oneDNN picks its kernel by channels, stride and filter size. Outputs of 4×4 pixels or fewer run
// the forward and the filter gradient on im2col instead (native/conv-dnnl.cc), the last two cases.
const shapes: [string, ConvShape][] = [
  ['stem 7×7/2 3→64', shape(2, 20, 3, 7, 64, 2)],
  ['3×3 64→64', shape(2, 8, 64, 3, 64, 1)],
  ['3×3/2 64→128', shape(2, 10, 64, 3, 128, 2)],
  ['1×1/2 64→128 (odd side)', shape(2, 11, 64, 1, 128, 2)],
  ['3×3/2 128→256', shape(2, 10, 128, 3, 256, 2)],
  ['3×3 256→256', shape(2, 5, 256, 3, 256, 1)],
  ['1×1/2 256→512', shape(2, 9, 256, 1, 512, 2)],
  ['3×3 512→512', shape(2, 5, 512, 3, 512, 1)],
  ['bottleneck 1×1 256→64', shape(2, 5, 256, 1, 64, 1)],
  ['bottleneck 1×1 64→256', shape(2, 5, 64, 1, 256, 1)],
  ['small CNN 3×3 1→32', shape(3, 12, 1, 3, 32, 1)],
  ['3×3 512→512 on 4×4', shape(2, 4, 512, 3, 512, 1)],
  ['3×3/2 256→512 on 7×7', shape(2, 7, 256, 3, 512, 2)],
];

function near(got: Float32Array, want: Float32Array, what: string): void {
  let scale = 0;
  for (const v of want) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= 1e-5 * scale, `${what}[${i}]: ${got[i]} vs ${want[i]} (scale ${scale})`);
}

test('native and fallback conv2d agree on ResNet\'s and the small CNN\'s layer shapes (forward, dx, dfilter; outputs overwritten)', { skip: skipNative }, () => {
  for (const [i, [name, s]] of shapes.entries()) {
    const z = convSizes(s), x = rand(z.x, 10 + i), f = rand(z.filter, 30 + i), dy = rand(z.y, 50 + i);
    const run = (k: Kernels) => {
      const y = new Float32Array(z.y).fill(7), dx = new Float32Array(z.x).fill(7), df = new Float32Array(z.filter).fill(7);
      k.conv2dForward(s, x, f, y);
      k.conv2dBackpropInput(s, dy, f, dx);
      k.conv2dBackpropFilter(s, x, dy, df);
      return { y, dx, df };
    };
    const a = run(native!), b = run(fallbackKernels);
    near(a.y, b.y, `${name} y`);
    near(a.dx, b.dx, `${name} dx`);
    near(a.df, b.df, `${name} dfilter`);
  }
});

test('convColumns is true for im2col kernels and false with oneDNN\'s convolutions', () => {
  assert.equal(fallbackKernels.convColumns, true);
  if (native) assert.equal(native.convColumns, convEngine()!.name === 'im2col');
});
