import { kernels } from '../compute/index.js';
import type { MarginOptions } from './margin.js';
import { marginNamed } from './margins.js';
import { l2NormalizeRows } from '../eval/normalize.js';
import { backpropNormalize } from './normalize-rows.js';

export interface MarginLossInput {
  /** n×d raw embeddings (the head normalises them) */
  x: Float32Array;
  labels: Int32Array;
  n: number;
  /** C×d raw class weights, (C·K)×d for K sub-centres per class (the head normalises the rows) */
  weight: Float32Array;
  numClasses: number;
  dim: number;
}

export interface MarginLossResult {
  /** mean cross-entropy over the n rows of s·logit */
  loss: number;
  /** n×d dL/dx, when asked for */
  gradX?: Float32Array;
  /** C×d dL/dW, when asked for */
  gradW?: Float32Array;
  /** rows whose target cosine took the margin's fallback branch (ArcFace's beyond π − m) */
  fallbackRows: number;
}

export interface MarginLossOptions extends MarginOptions {
  wantGradX: boolean;
  wantGradW: boolean;
  /** rows per chunk: memory is chunkRows × C logits, never n × C (default 1024) */
  chunkRows?: number;
}

/**
 * The margin softmax loss of any registered margin, with closed-form gradients. The rows are processed
 * in chunks: cosines of a chunk (one sgemm), with K sub-centres each class's largest, softmax − one-hot
 * through the margin's target transform (the kernels' marginSoftmaxRows), then dL/dx̂ (sgemm) and dL/dŴ
 * accumulated (sgemm), finally back through both row normalisations. Peak extra memory is one chunk of logits plus two W-sized buffers, so
 * a 32,128 × 11,318 BroadFace broad loss never exists as a whole matrix.
 */
export function marginLoss(inp: MarginLossInput, o: MarginLossOptions): MarginLossResult {
  const { n, dim: d, numClasses: C } = inp;
  const margin = marginNamed(o.kind);
  const K = margin.subCenters ?? 1;
  const R = C * K;
  validate(inp, K);
  const k = kernels();
  const wHat = new Float32Array(R * d);
  const wNorm = new Float64Array(R);
  l2NormalizeRows(inp.weight, R, d, { out: wHat, norms: wNorm });
  const chunk = Math.max(1, Math.min(o.chunkRows ?? 1024, n || 1));
  const xHat = new Float32Array(chunk * d);
  const cosines = new Float32Array(chunk * R);
  // sub-centres: a class's logit is its best sub-centre's cosine, and only that sub-centre gets the gradient
  const classCos = K === 1 ? cosines : new Float32Array(chunk * C);
  const bestSub = K === 1 ? undefined : new Int32Array(chunk * C);
  const phi = new Float64Array(chunk);
  const dphi = new Float64Array(chunk);
  const gradX = o.wantGradX ? new Float32Array(n * d) : undefined;
  const gradWHat = o.wantGradW ? new Float32Array(R * d) : undefined;
  let lossSum = 0;
  let fallbackRows = 0;
  for (let r0 = 0; r0 < n; r0 += chunk) {
    const rows = Math.min(chunk, n - r0);
    const xh = xHat.subarray(0, rows * d);
    const xNorm = new Float64Array(rows);
    l2NormalizeRows(inp.x.subarray(r0 * d, (r0 + rows) * d), rows, d, { out: xh, norms: xNorm });
    const all = cosines.subarray(0, rows * R);
    k.sgemm(false, true, rows, R, d, 1, xh, wHat, 0, all);
    const z = classCos.subarray(0, rows * C);
    if (bestSub) maxOverSubCenters(all, z, bestSub, rows, C, K);
    // the margin's target transform here (margins are TypeScript), the softmax rows in the kernel
    for (let i = 0; i < rows; i++) {
      const t = margin.target(z[i * C + inp.labels[r0 + i]], o.margin);
      if (t.fallback) fallbackRows++;
      phi[i] = t.phi;
      dphi[i] = t.dphi;
    }
    lossSum += k.marginSoftmaxRows(z, rows, C, inp.labels.subarray(r0, r0 + rows), phi, dphi, o.scale, n);
    if (bestSub) {
      all.fill(0);
      for (let i = 0; i < rows * C; i++) all[(i - (i % C)) * K + (i % C) * K + bestSub[i]] = z[i];
    }
    if (gradX) k.sgemm(false, false, rows, d, R, 1, all, wHat, 0, gradX.subarray(r0 * d, (r0 + rows) * d));
    if (gradX) backpropNormalize(gradX.subarray(r0 * d, (r0 + rows) * d), xh, xNorm, rows, d);
    if (gradWHat) k.sgemm(true, false, R, d, rows, 1, all, xh, 1, gradWHat);
  }
  if (gradWHat) backpropNormalize(gradWHat, wHat, wNorm, R, d);
  return { loss: n > 0 ? lossSum / n : 0, gradX, gradW: gradWHat, fallbackRows };
}

/** rows × (C·K) sub-centre cosines → rows × C: each class's largest, and which sub-centre it was. */
function maxOverSubCenters(all: Float32Array, out: Float32Array, best: Int32Array, rows: number, C: number, K: number): void {
  for (let i = 0; i < rows * C; i++) {
    let b = 0;
    for (let s = 1; s < K; s++) if (all[i * K + s] > all[i * K + b]) b = s;
    best[i] = b;
    out[i] = all[i * K + b];
  }
}

function validate(inp: MarginLossInput, K: number): void {
  const { n, dim: d, numClasses: C } = inp;
  if (inp.x.length !== n * d) throw new Error(`margin loss: embeddings hold ${inp.x.length} values, expected ${n}×${d}`);
  if (inp.weight.length !== C * K * d) throw new Error(`margin loss: class weights hold ${inp.weight.length} values, expected ${K > 1 ? `${C}×${K}` : C}×${d}`);
  if (inp.labels.length !== n) throw new Error(`margin loss: ${inp.labels.length} labels for ${n} rows`);
  for (let i = 0; i < n; i++) {
    const y = inp.labels[i];
    if (!(y >= 0 && y < C)) throw new Error(`margin loss: label ${y} of row ${i} is outside 0…${C - 1}`);
  }
}
