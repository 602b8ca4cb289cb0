import type { Kernels, TopK, TopKOptions } from './kernel-interface.js';
import { convKernels } from './conv-fallback.js';
import { batchedSgemm } from './batched.js';
import { layerFallbackKernels } from './layers-fallback.js';
import { attentionFallbackKernels } from './attention-fallback.js';
import { optimizerFallbackKernels } from './optimizer-fallback.js';
import { softmaxFallbackKernels } from './softmax-fallback.js';

/** Portable TypeScript kernels: same results as the native addon, slower. */
function sgemm(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  alpha: number, a: Float32Array, b: Float32Array, beta: number, c: Float32Array,
): void {
  if (beta !== 1) for (let i = 0; i < m * n; i++) c[i] = beta === 0 ? 0 : c[i] * beta;
  const row = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    row.fill(0);
    for (let p = 0; p < k; p++) {
      const av = transA ? a[p * m + i] : a[i * k + p];
      if (av === 0) continue;
      if (transB) for (let j = 0; j < n; j++) row[j] += av * b[j * k + p];
      else {
        const off = p * n;
        for (let j = 0; j < n; j++) row[j] += av * b[off + j];
      }
    }
    const off = i * n;
    for (let j = 0; j < n; j++) c[off + j] += alpha * row[j];
  }
}

/** Inserts (score, index) into a row kept sorted by score desc, then index asc. */
function insert(scores: Float32Array, idx: Int32Array, off: number, k: number, s: number, j: number): void {
  const last = off + k - 1;
  if (idx[last] !== -1 && (s < scores[last] || (s === scores[last] && j > idx[last]))) return;
  let p = last;
  while (p > off && (idx[p - 1] === -1 || s > scores[p - 1] || (s === scores[p - 1] && j < idx[p - 1]))) {
    scores[p] = scores[p - 1];
    idx[p] = idx[p - 1];
    p--;
  }
  scores[p] = s;
  idx[p] = j;
}

function topkInnerProduct(
  queries: Float32Array, nq: number, base: Float32Array, nb: number, dim: number, k: number,
  options: TopKOptions = {},
): TopK {
  const indices = new Int32Array(nq * k).fill(-1);
  const scores = new Float32Array(nq * k).fill(-Infinity);
  const qBlock = 256;
  const bBlock = 4096;
  const tile = new Float32Array(qBlock * bBlock);
  for (let q0 = 0; q0 < nq; q0 += qBlock) {
    const qn = Math.min(qBlock, nq - q0);
    const qs = queries.subarray(q0 * dim, (q0 + qn) * dim);
    for (let b0 = 0; b0 < nb; b0 += bBlock) {
      const bn = Math.min(bBlock, nb - b0);
      const t = tile.subarray(0, qn * bn);
      sgemm(false, true, qn, bn, dim, 1, qs, base.subarray(b0 * dim, (b0 + bn) * dim), 0, t);
      for (let i = 0; i < qn; i++) {
        const self = options.selfOffset === undefined ? -1 : options.selfOffset + q0 + i;
        const off = (q0 + i) * k;
        for (let j = 0; j < bn; j++) {
          const g = b0 + j;
          if (g !== self) insert(scores, indices, off, k, t[i * bn + j], g);
        }
      }
    }
  }
  return { indices, scores };
}

export const fallbackKernels: Kernels = {
  name: 'fallback', convColumns: true, sgemm, sgemmBatched: batchedSgemm(sgemm), ...convKernels(sgemm), ...layerFallbackKernels, ...attentionFallbackKernels, ...optimizerFallbackKernels, ...softmaxFallbackKernels,
  topkInnerProduct,
};
