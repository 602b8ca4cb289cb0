import { checkedLayerKernels, type LayerKernels } from './layer-kernel-interface.js';

/** Portable TypeScript versions of native/layers.cc: the same arithmetic, one thread, double accumulators. */
export const layerFallbackKernels: LayerKernels = checkedLayerKernels({
  channelMoments(x, rows, c, mean, variance) {
    const s = new Float64Array(c), q = new Float64Array(c);
    for (let r = 0; r < rows; r++) {
      const o = r * c;
      for (let ch = 0; ch < c; ch++) {
        const v = x[o + ch];
        s[ch] += v;
        q[ch] += v * v;
      }
    }
    for (let ch = 0; ch < c; ch++) {
      const m = rows > 0 ? s[ch] / rows : 0;
      mean[ch] = m;
      variance[ch] = Math.max(0, rows > 0 ? q[ch] / rows - m * m : 0);
    }
  },
  scaleShiftRelu(x, rows, c, scale, shift, y) {
    for (let r = 0; r < rows; r++) {
      const o = r * c;
      for (let ch = 0; ch < c; ch++) {
        const z = Math.fround(x[o + ch] * scale[ch] + shift[ch]);
        y[o + ch] = z > 0 ? z : 0;
      }
    }
  },
  bnReluBackward(x, y, dy, rows, c, mean, invstd, gamma, dx, dgamma, dbeta) {
    const sb = new Float64Array(c), sg = new Float64Array(c);
    for (let r = 0; r < rows; r++) {
      const o = r * c;
      for (let ch = 0; ch < c; ch++) {
        if (!(y[o + ch] > 0)) continue;
        const d = dy[o + ch];
        sb[ch] += d;
        sg[ch] += d * (x[o + ch] - mean[ch]);
      }
    }
    const k1 = new Float64Array(c), k2 = new Float64Array(c), k3 = new Float64Array(c);
    const inv = rows > 0 ? 1 / rows : 0;
    for (let ch = 0; ch < c; ch++) {
      const is = invstd[ch];
      dbeta[ch] = sb[ch];
      dgamma[ch] = sg[ch] * is;
      k1[ch] = gamma[ch] * is;
      k2[ch] = -gamma[ch] * is * is * is * sg[ch] * inv;
      k3[ch] = -gamma[ch] * is * sb[ch] * inv;
    }
    for (let r = 0; r < rows; r++) {
      const o = r * c;
      for (let ch = 0; ch < c; ch++) {
        const dz = y[o + ch] > 0 ? dy[o + ch] : 0;
        dx[o + ch] = k1[ch] * dz + k2[ch] * (x[o + ch] - mean[ch]) + k3[ch];
      }
    }
  },
  maxPool2x2Forward(x, n, h, w, c, y, argmax) {
    const oh = h >> 1, ow = w >> 1;
    const offs = [0, c, w * c, w * c + c];
    let out = 0;
    for (let img = 0; img < n; img++)
      for (let oy = 0; oy < oh; oy++)
        for (let ox = 0; ox < ow; ox++) {
          const i00 = ((img * h + 2 * oy) * w + 2 * ox) * c;
          for (let ch = 0; ch < c; ch++, out++) {
            let best = i00 + ch, bv = x[best];
            for (let k = 1; k < 4; k++) {
              const j = i00 + offs[k] + ch;
              if (x[j] > bv) { bv = x[j]; best = j; }
            }
            y[out] = bv;
            argmax[out] = best;
          }
        }
  },
  maxPool2x2Backward(dy, argmax, n, h, w, c, dx) {
    const inSize = n * h * w * c, outSize = n * (h >> 1) * (w >> 1) * c;
    dx.fill(0, 0, inSize);
    for (let i = 0; i < outSize; i++) {
      const j = argmax[i];
      if (!(j >= 0 && j < inSize)) throw new Error(`maxPool2x2Backward: argmax index ${j} out of range`);
      dx[j] = dy[i];
    }
  },
});
