/**
 * The kernels facet runs outside autodiff. Two implementations share this interface and must agree
 * within float32 tolerance: the C++ addon on OpenBLAS (`native`) and portable TypeScript
 * (`fallback`), chosen by `kernels()`.
 */
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

export interface Kernels {
  readonly name: 'native' | 'fallback';
  /**
   * Row-major C = alpha·op(A)·op(B) + beta·C with op(A) m×k and op(B) k×n.
   * A is stored m×k (k×m when transA), B is stored k×n (n×k when transB).
   */
  sgemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number,
    alpha: number, a: Float32Array, b: Float32Array, beta: number, c: Float32Array,
  ): void;
  /**
   * For each of nq query rows, the k base rows of largest inner product, best first; equal scores
   * are ordered by lower base index. Memory is bounded by blocks, never nq×nb.
   */
  topkInnerProduct(
    queries: Float32Array, nq: number, base: Float32Array, nb: number, dim: number, k: number,
    options?: TopKOptions,
  ): TopK;
}
