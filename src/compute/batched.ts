import type { Kernels } from './kernel-interface.js';

/** Batched sgemm as a loop of sgemm calls on subarray views (no copies); each call is BLAS-sized. */
export function batchedSgemm(sgemm: Kernels['sgemm']): Kernels['sgemmBatched'] {
  return (ta, tb, batch, m, n, k, alpha, a, strideA, b, strideB, beta, c) => {
    if (a.length < (batch - 1) * strideA + m * k) throw new Error(`sgemmBatched: A is shorter than ${batch} strided ${m}×${k} matrices`);
    if (b.length < (batch - 1) * strideB + k * n) throw new Error(`sgemmBatched: B is shorter than ${batch} strided ${k}×${n} matrices`);
    if (c.length < batch * m * n) throw new Error(`sgemmBatched: C is shorter than ${batch} ${m}×${n} matrices`);
    for (let i = 0; i < batch; i++) {
      sgemm(ta, tb, m, n, k, alpha, a.subarray(i * strideA, i * strideA + m * k), b.subarray(i * strideB, i * strideB + k * n),
        beta, c.subarray(i * m * n, (i + 1) * m * n));
    }
  };
}
