import { kernels, type Kernels } from '../compute/index.js';
import { floatScratch } from './layer.js';

/**
 * The weights of one single-query attention over index groups (NAAN's GATLayer after its W): the
 * attention vector a = [a_q; a_m] (2D), its bias (1), W's bias (D) and the output bias (D).
 */
export interface GroupAttentionWeights {
  a: Float32Array;
  attBias: Float32Array;
  wBias: Float32Array;
  outBias: Float32Array;
}

/**
 * NAAN's single-query graph attention over G groups of n rows of a table [m, d] (group g = rows
 * groups[g·n … g·n+n−1], row 0 the query): logits from the attention terms, LeakyReLU(alpha),
 * softmax per group, the weighted sum of the rows, biases and ReLU → [G, d] (see
 * compute/attention-kernel-interface.ts). Both passes are the groupAttention kernels, which read
 * the rows by index: no G·n·d gathered copy is built.
 *
 * One instance per application: its forward keeps what its backward needs (the table, weights and
 * groups by reference, its own attention weights and output), and the arrays it returns stay valid
 * until its next call. Buffers grow to the largest size seen and are reused.
 */
export class GroupAttention {
  private readonly att = floatScratch();
  private readonly pre = floatScratch();
  private readonly out = floatScratch();
  private readonly dTable = floatScratch();
  private readonly dA = floatScratch();
  private readonly dAttBias = new Float32Array(1);
  private readonly dWBias = floatScratch();
  private readonly dOutBias = floatScratch();
  private saved: { table: Float32Array; m: number; d: number; w: GroupAttentionWeights; groups: Int32Array; n: number } | undefined;

  constructor(readonly alpha: number, private readonly k: Kernels = kernels()) {}

  /** [G, d] for the G = groups.length / n groups; `training` keeps the inputs for backward. */
  forward(table: Float32Array, m: number, d: number, w: GroupAttentionWeights, groups: Int32Array, n: number, training: boolean): Float32Array {
    if (!Number.isInteger(n) || n < 1 || groups.length % n !== 0) throw new Error(`GroupAttention: ${groups.length} group rows are not groups of ${n}`);
    const g = groups.length / n;
    const att = this.att.get(g * n), pre = this.pre.get(g * n), out = this.out.get(g * d);
    this.k.groupAttentionForward(table, m, d, w.a, w.attBias, w.wBias, w.outBias, groups, g, n, this.alpha, att, pre, out);
    this.saved = training ? { table, m, d, w, groups, n } : undefined;
    return out;
  }

  /**
   * Given dOut [G, d] of the last training forward: adds the weights' gradients into `grads` (so
   * that one set of weights applied several times sums them) and returns dTable [m, d].
   */
  backward(dOut: Float32Array, grads: GroupAttentionWeights): Float32Array {
    const s = this.saved;
    if (!s) throw new Error('GroupAttention: backward needs a training forward first');
    const g = s.groups.length / s.n;
    const dTable = this.dTable.get(s.m * s.d), dA = this.dA.get(2 * s.d), dWBias = this.dWBias.get(s.d), dOutBias = this.dOutBias.get(s.d);
    this.k.groupAttentionBackward(
      s.table, s.m, s.d, s.w.a, s.w.wBias, s.groups, g, s.n, this.alpha, this.att.get(g * s.n), this.pre.get(g * s.n), this.out.get(g * s.d), dOut,
      dTable, dA, this.dAttBias, dWBias, dOutBias,
    );
    addInto(grads.a, dA);
    addInto(grads.attBias, this.dAttBias);
    addInto(grads.wBias, dWBias);
    addInto(grads.outBias, dOutBias);
    return dTable;
  }
}

function addInto(acc: Float32Array, v: Float32Array): void {
  if (acc.length !== v.length) throw new Error(`GroupAttention: a gradient has ${acc.length} values, ${v.length} expected`);
  for (let i = 0; i < v.length; i++) acc[i] += v[i];
}
