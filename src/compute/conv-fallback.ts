import { type ConvShape, checkConvArrays, convSizes } from './conv-shape.js';

type Gemm = (ta: boolean, tb: boolean, m: number, n: number, k: number, alpha: number,
  a: Float32Array, b: Float32Array, beta: number, c: Float32Array) => void;

/** Images per column chunk: keeps the im2col buffer near 4M floats (16 MB), like the addon. */
const chunkImages = (s: ConvShape) => Math.max(1, Math.min(s.n, Math.floor((4 << 20) / Math.max(1, s.oh * s.ow * s.fh * s.fw * s.c))));

/** Calls body(i0, nb, buf) for the batch in chunks of images whose columns fit `buf` (allocated once per call). */
function forChunks(s: ConvShape, chunk: number, body: (i0: number, nb: number, buf: Float32Array) => void, buf?: Float32Array): void {
  const cols = buf ?? new Float32Array(chunk * s.oh * s.ow * s.fh * s.fw * s.c);
  for (let i0 = 0; i0 < s.n; i0 += chunk) body(i0, Math.min(chunk, s.n - i0), cols);
}

/** cols[(img·oh + y)·ow + x, (ky·fw + kx)·c + ch] = x[img, y·sh + ky·dh − padTop, x·sw + kx·dw − padLeft, ch]; zero outside. */
function im2col(s: ConvShape, x: Float32Array, img0: number, images: number, cols: Float32Array): void {
  const K = s.fh * s.fw * s.c;
  for (let img = 0; img < images; img++) {
    const xi = (img0 + img) * s.h * s.w * s.c;
    for (let oy = 0; oy < s.oh; oy++)
      for (let ox = 0; ox < s.ow; ox++) {
        const row = ((img * s.oh + oy) * s.ow + ox) * K;
        for (let ky = 0; ky < s.fh; ky++) {
          const iy = oy * s.sh + ky * s.dh - s.padTop;
          for (let kx = 0; kx < s.fw; kx++) {
            const ix = ox * s.sw + kx * s.dw - s.padLeft;
            const dst = row + (ky * s.fw + kx) * s.c;
            if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w) cols.fill(0, dst, dst + s.c);
            else cols.set(x.subarray(xi + (iy * s.w + ix) * s.c, xi + (iy * s.w + ix + 1) * s.c), dst);
          }
        }
      }
  }
}

/**
 * The adjoint of im2col as a gather, like the addon: each dx row of the chunk is overwritten with the
 * sum of the column entries that read it, in (ky, kx) order.
 */
function col2im(s: ConvShape, cols: Float32Array, img0: number, images: number, dx: Float32Array): void {
  const K = s.fh * s.fw * s.c, rowFloats = s.w * s.c;
  for (let r = 0; r < images * s.h; r++) {
    const img = Math.floor(r / s.h), iy = r % s.h, drow = (img0 * s.h + r) * rowFloats;
    dx.fill(0, drow, drow + rowFloats);
    for (let ky = 0; ky < s.fh; ky++) {
      const ty = iy + s.padTop - ky * s.dh;
      if (ty < 0 || ty % s.sh !== 0 || ty / s.sh >= s.oh) continue;
      const crow = (img * s.oh + ty / s.sh) * s.ow * K;
      for (let kx = 0; kx < s.fw; kx++)
        for (let ix = 0; ix < s.w; ix++) {
          const tx = ix + s.padLeft - kx * s.dw;
          if (tx < 0 || tx % s.sw !== 0 || tx / s.sw >= s.ow) continue;
          const src = crow + (tx / s.sw) * K + (ky * s.fw + kx) * s.c, dst = drow + ix * s.c;
          for (let ch = 0; ch < s.c; ch++) dx[dst + ch] += cols[src + ch];
        }
    }
  }
}

/** im2col conv2d on any sgemm: the TypeScript fallback of native/conv.cc (same algorithm, same results). */
export function convKernels(sgemm: Gemm) {
  return {
    conv2dForward(s: ConvShape, x: Float32Array, filter: Float32Array, y: Float32Array, cols?: Float32Array): void {
      const z = convSizes(s);
      checkConvArrays('conv2dForward', s, { x: [x, z.x], filter: [filter, z.filter], y: [y, z.y], ...(cols ? { cols: [cols, z.cols] } : {}) });
      const K = s.fh * s.fw * s.c, P = s.oh * s.ow;
      forChunks(s, cols ? s.n : chunkImages(s), (i0, nb, buf) => {
        im2col(s, x, i0, nb, buf);
        sgemm(false, false, nb * P, s.oc, K, 1, buf, filter, 0, y.subarray(i0 * P * s.oc, (i0 + nb) * P * s.oc));
      }, cols);
    },
    conv2dBackpropInput(s: ConvShape, dy: Float32Array, filter: Float32Array, dx: Float32Array): void {
      const z = convSizes(s);
      checkConvArrays('conv2dBackpropInput', s, { dy: [dy, z.y], filter: [filter, z.filter], dx: [dx, z.x] });
      const K = s.fh * s.fw * s.c, P = s.oh * s.ow;
      forChunks(s, chunkImages(s), (i0, nb, cols) => {
        sgemm(false, true, nb * P, K, s.oc, 1, dy.subarray(i0 * P * s.oc, (i0 + nb) * P * s.oc), filter, 0, cols);
        col2im(s, cols, i0, nb, dx);
      });
    },
    conv2dBackpropFilter(s: ConvShape, x: Float32Array, dy: Float32Array, dfilter: Float32Array): void {
      const z = convSizes(s);
      checkConvArrays('conv2dBackpropFilter', s, { x: [x, z.x], dy: [dy, z.y], dfilter: [dfilter, z.filter] });
      const K = s.fh * s.fw * s.c, P = s.oh * s.ow;
      forChunks(s, chunkImages(s), (i0, nb, cols) => {
        im2col(s, x, i0, nb, cols.subarray(0, nb * P * K));
        sgemm(true, false, K, s.oc, nb * P, 1, cols, dy.subarray(i0 * P * s.oc, (i0 + nb) * P * s.oc), i0 === 0 ? 0 : 1, dfilter);
      });
    },
    conv2dBackpropFilterColumns(s: ConvShape, cols: Float32Array, dy: Float32Array, dfilter: Float32Array): void {
      const z = convSizes(s);
      checkConvArrays('conv2dBackpropFilterColumns', s, { cols: [cols, z.cols], dy: [dy, z.y], dfilter: [dfilter, z.filter] });
      sgemm(true, false, s.fh * s.fw * s.c, s.oc, s.n * s.oh * s.ow, 1, cols, dy, 0, dfilter);
    },
  };
}
