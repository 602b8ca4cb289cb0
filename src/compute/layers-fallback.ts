import { checkedLayerKernels, poolSide, type LayerKernels } from './layer-kernel-interface.js';

/** Portable TypeScript versions of native/layers.cc: the same arithmetic, one thread, double accumulators. */
export const layerFallbackKernels: LayerKernels = checkedLayerKernels({
  // two passes (mean, then centred sums), as native/layers.cc: one pass cancels where |mean| ≫ std
  channelMoments(x, rows, c, mean, variance) {
    if (rows === 0) { mean.fill(0, 0, c); variance.fill(0, 0, c); return; }
    const s = new Float64Array(c), d1 = new Float64Array(c), d2 = new Float64Array(c);
    for (let r = 0; r < rows; r++) for (let ch = 0; ch < c; ch++) s[ch] += x[r * c + ch];
    const m = Float32Array.from(s, (v) => v / rows);
    for (let r = 0; r < rows; r++) {
      for (let ch = 0; ch < c; ch++) {
        const d = x[r * c + ch] - m[ch];
        d1[ch] += d;
        d2[ch] += d * d;
      }
    }
    for (let ch = 0; ch < c; ch++) {
      const e = d1[ch] / rows;
      mean[ch] = m[ch] + e;
      variance[ch] = Math.max(0, d2[ch] / rows - e * e);
    }
  },
  scaleShift(x, rows, c, scale, shift, y, relu) {
    for (let r = 0; r < rows; r++) {
      const o = r * c;
      for (let ch = 0; ch < c; ch++) {
        const z = Math.fround(x[o + ch] * scale[ch] + shift[ch]);
        y[o + ch] = !relu || z > 0 ? z : 0;
      }
    }
  },
  batchNormBackward(x, y, dy, rows, c, mean, invstd, gamma, dx, dgamma, dbeta, relu) {
    const dz = (i: number) => (!relu || y[i] > 0 ? dy[i] : 0);
    const sb = new Float64Array(c), sg = new Float64Array(c);
    for (let r = 0; r < rows; r++) {
      const o = r * c;
      for (let ch = 0; ch < c; ch++) {
        const d = dz(o + ch);
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
      for (let ch = 0; ch < c; ch++) dx[o + ch] = k1[ch] * dz(o + ch) + k2[ch] * (x[o + ch] - mean[ch]) + k3[ch];
    }
  },
  maxPoolForward(x, n, h, w, c, size, stride, pad, y, argmax) {
    const oh = poolSide(h, size, stride, pad), ow = poolSide(w, size, stride, pad);
    for (let img = 0; img < n; img++)
      for (let oy = 0; oy < oh; oy++) {
        const y0 = Math.max(0, oy * stride - pad), y1 = Math.min(h, oy * stride - pad + size);
        for (let ox = 0; ox < ow; ox++) {
          const x0 = Math.max(0, ox * stride - pad), x1 = Math.min(w, ox * stride - pad + size);
          const out = ((img * oh + oy) * ow + ox) * c;
          for (let ch = 0; ch < c; ch++) {
            // window cells in row-major order; only a strictly larger value replaces, so the first maximum wins
            let best = ((img * h + y0) * w + x0) * c + ch, bv = x[best];
            for (let iy = y0; iy < y1; iy++)
              for (let ix = x0; ix < x1; ix++) {
                const j = ((img * h + iy) * w + ix) * c + ch;
                if (x[j] > bv) { bv = x[j]; best = j; }
              }
            y[out + ch] = bv;
            argmax[out + ch] = best;
          }
        }
      }
  },
  maxPoolBackward(dy, argmax, n, h, w, c, oh, ow, dx) {
    const per = h * w * c, perOut = oh * ow * c;
    dx.fill(0, 0, n * per);
    for (let i = 0; i < n * perOut; i++) {
      const j = argmax[i];
      if (!(j >= 0 && Math.floor(j / per) === Math.floor(i / perOut))) throw new Error(`maxPoolBackward: argmax index ${j} out of range`);
      dx[j] += dy[i];
    }
  },
  addRelu(a, b, y, size) {
    for (let i = 0; i < size; i++) {
      const z = Math.fround(a[i] + b[i]);
      y[i] = z > 0 ? z : 0;
    }
  },
  relu(x, y, size) {
    for (let i = 0; i < size; i++) y[i] = x[i] > 0 ? x[i] : 0;
  },
  reluBackward(y, dy, dx, size) {
    for (let i = 0; i < size; i++) dx[i] = y[i] > 0 ? dy[i] : 0;
  },
  add(a, b, y, size) {
    for (let i = 0; i < size; i++) y[i] = a[i] + b[i];
  },
});
