import { checkLayerArrays } from './layer-kernel-interface.js';

/**
 * NAAN's single-query graph attention over G groups of n rows of a table T [M, D] (group g = rows
 * groups[g·n … g·n+n−1], row 0 the query), with attention vector A = [a_q; a_m] (2D), attention
 * bias b_a (1), W's bias b_w (D) and output bias b_o (D):
 *   pre_j = a_qᵀ(T₀ + b_w) + a_mᵀ(T_j + b_w) + b_a,  att = softmax_j(LeakyReLU_alpha(pre)),
 *   out = ReLU(Σ_j att_j T_j + b_w + b_o)  → [G, D].
 * The native addon (native/attention.cc) and the TypeScript fallback (attention-fallback.ts) agree
 * within float32 tolerance; both check sizes with `checkedAttentionKernels` and reject a group row
 * outside [0, M).
 */
export interface AttentionKernels {
  /** Writes att and pre (G·n each: attention weights and logits before the LeakyReLU) and out (G×D). */
  groupAttentionForward(
    table: Float32Array, m: number, d: number, a: Float32Array, attBias: Float32Array, wBias: Float32Array, outBias: Float32Array,
    groups: Int32Array, g: number, n: number, alpha: number, att: Float32Array, pre: Float32Array, out: Float32Array,
  ): void;
  /**
   * Backward of groupAttentionForward given its att, pre and out and the gradient dOut: dTable (M×D),
   * dA (2D), dAttBias (1), dWBias (D) and dOutBias (D), all overwritten.
   */
  groupAttentionBackward(
    table: Float32Array, m: number, d: number, a: Float32Array, wBias: Float32Array, groups: Int32Array, g: number, n: number,
    alpha: number, att: Float32Array, pre: Float32Array, out: Float32Array, dOut: Float32Array,
    dTable: Float32Array, dA: Float32Array, dAttBias: Float32Array, dWBias: Float32Array, dOutBias: Float32Array,
  ): void;
}

/** Throws naming the kernel when a group row is not a row of the table (the addon checks the same in C++). */
export function checkGroupRows(what: string, groups: Int32Array, count: number, m: number): void {
  for (let i = 0; i < count; i++) {
    const r = groups[i];
    if (!(r >= 0 && r < m)) throw new Error(`${what}: groups[${i}] = ${r} is not a row of the table (M = ${m})`);
  }
}

/** A group holds its query, so n = 0 has no meaning (checkLayerArrays has already made it an integer). */
function checkGroupSize(what: string, n: number): void {
  if (n < 1) throw new Error(`${what}: n must be at least 1, got ${n}`);
}

/** Validating wrappers: every implementation's kernels go through the same size checks. */
export function checkedAttentionKernels(k: AttentionKernels): AttentionKernels {
  return {
    groupAttentionForward(table, m, d, a, attBias, wBias, outBias, groups, g, n, alpha, att, pre, out) {
      checkLayerArrays('groupAttentionForward', { m, d, g, n }, {
        table: [table, m * d], a: [a, 2 * d], attBias: [attBias, 1], wBias: [wBias, d], outBias: [outBias, d], groups: [groups, g * n],
        att: [att, g * n], pre: [pre, g * n], out: [out, g * d],
      });
      checkGroupSize('groupAttentionForward', n);
      k.groupAttentionForward(table, m, d, a, attBias, wBias, outBias, groups, g, n, alpha, att, pre, out);
    },
    groupAttentionBackward(table, m, d, a, wBias, groups, g, n, alpha, att, pre, out, dOut, dTable, dA, dAttBias, dWBias, dOutBias) {
      checkLayerArrays('groupAttentionBackward', { m, d, g, n }, {
        table: [table, m * d], a: [a, 2 * d], wBias: [wBias, d], groups: [groups, g * n], att: [att, g * n], pre: [pre, g * n],
        out: [out, g * d], dOut: [dOut, g * d], dTable: [dTable, m * d], dA: [dA, 2 * d], dAttBias: [dAttBias, 1], dWBias: [dWBias, d],
        dOutBias: [dOutBias, d],
      });
      checkGroupSize('groupAttentionBackward', n);
      k.groupAttentionBackward(table, m, d, a, wBias, groups, g, n, alpha, att, pre, out, dOut, dTable, dA, dAttBias, dWBias, dOutBias);
    },
  };
}
