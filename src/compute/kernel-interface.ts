/**
 * The kernels facet runs outside autodiff. Two implementations share this interface and must agree
 * within float32 tolerance: the C++ addon on OpenBLAS (`native`) and portable TypeScript
 * (`fallback`), chosen by `kernels()`.
 */
import type { AttentionKernels } from './attention-kernel-interface.js';
import type { OptimizerKernels } from './optimizer-kernel-interface.js';
import type { ConvShape } from './conv-shape.js';
import type { LayerKernels } from './layer-kernel-interface.js';
import type { SoftmaxKernels } from './softmax-kernel-interface.js';

export type { AttentionKernels } from './attention-kernel-interface.js';
export type { AdamStep, OptimizerKernels } from './optimizer-kernel-interface.js';
export type { ConvShape } from './conv-shape.js';
export type { LayerKernels } from './layer-kernel-interface.js';
export type { SoftmaxKernels } from './softmax-kernel-interface.js';

export interface TopK {
  /** nq×k row-major; -1 where fewer than k candidates exist. */
  indices: Int32Array;
  /** nq×k row-major inner products, descending per row. */
  scores: Float32Array;
}

export interface TopKOptions {
  /** Query i is base row selfOffset + i and is skipped (leave-one-out / kNN without self). */
  selfOffset?: number;
}

export interface Kernels extends LayerKernels, AttentionKernels, OptimizerKernels, SoftmaxKernels {
  readonly name: 'native' | 'fallback';
  /**
   * Whether a training conv should keep conv2dForward's im2col columns for conv2dBackpropFilterColumns:
   * true for the im2col kernels; false with oneDNN's convolutions, which need no columns (their
   * conv2dForward given cols runs im2col to write them, slower).
   */
  readonly convColumns: boolean;
  /**
   * Row-major C = alpha·op(A)·op(B) + beta·C with op(A) m×k and op(B) k×n.
   * A is stored m×k (k×m when transA), B is stored k×n (n×k when transB).
   */
  sgemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number,
    alpha: number, a: Float32Array, b: Float32Array, beta: number, c: Float32Array,
  ): void;
  /**
   * `batch` independent sgemms: C_i = alpha·op(A_i)·op(B_i) + beta·C_i, A_i at a[i·strideA], B_i at
   * b[i·strideB], C_i at c[i·m·n]. A stride of 0 broadcasts one matrix to every batch entry.
   */
  sgemmBatched(
    transA: boolean, transB: boolean, batch: number, m: number, n: number, k: number, alpha: number,
    a: Float32Array, strideA: number, b: Float32Array, strideB: number, beta: number, c: Float32Array,
  ): void;
  /**
   * NHWC conv2d, y = x ⋆ filter (filter [fh, fw, c, oc]): oneDNN or im2col + sgemm. Given `cols` (at least
   * convSizes(s).cols floats), the whole batch's im2col is also written there, for
   * conv2dBackpropFilterColumns to reuse instead of rebuilding it from x.
   */
  conv2dForward(s: ConvShape, x: Float32Array, filter: Float32Array, y: Float32Array, cols?: Float32Array): void;
  /** dx of conv2dForward given dy (dx is overwritten). */
  conv2dBackpropInput(s: ConvShape, dy: Float32Array, filter: Float32Array, dx: Float32Array): void;
  /** dfilter of conv2dForward given x and dy (dfilter is overwritten). */
  conv2dBackpropFilter(s: ConvShape, x: Float32Array, dy: Float32Array, dfilter: Float32Array): void;
  /** conv2dBackpropFilter from the columns conv2dForward wrote for the same x (dfilter = colsᵀ·dy, overwritten). */
  conv2dBackpropFilterColumns(s: ConvShape, cols: Float32Array, dy: Float32Array, dfilter: Float32Array): void;
  /**
   * For each of nq query rows, the k base rows of largest inner product, best first; equal scores
   * are ordered by lower base index. Memory is bounded by blocks, never nq×nb.
   */
  topkInnerProduct(
    queries: Float32Array, nq: number, base: Float32Array, nb: number, dim: number, k: number,
    options?: TopKOptions,
  ): TopK;
}
