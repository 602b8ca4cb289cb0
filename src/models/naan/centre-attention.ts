import type { Kernels } from '../../compute/index.js';
import type { GroupAttentionWeights } from '../../nn/group-attention.js';
import { floatScratch } from '../../nn/layer.js';

/**
 * The centre step of NAAN's GAT for one head: B groups, each [h_0 = x_v·W; h_j = agg_j·W, j = 1…k1],
 * attended as a GATLayer does (see nn/group-attention.ts), without projecting the B·k1 aggregates.
 * As Σ_j att_j (agg_j·W) = (Σ_j att_j agg_j)·W and a_mᵀ(agg_j·W) = (W·a_m)ᵀ agg_j, the member logits
 * are one product of the aggregates with W·a_m, the weighted sums are B products of k1 rows, and W
 * multiplies only the B sums: O(B·k1·D) instead of the B·k1·D² of projecting every aggregate (and
 * its two gradient products), which was most of a training step at k1 = 100. All B·k1·D work runs in
 * sgemm; the loops are over B·(k1+1) logits or B·D values.
 *
 * Like a layer: forward keeps what backward needs, and returned arrays stay valid until the next call.
 */
export class CentreAttention {
  private readonly att = floatScratch();
  private readonly pre = floatScratch();
  /** att_j for j ≥ 1, B rows of k1 (the weights of the aggregates, for the batched products) */
  private readonly attAgg = floatScratch();
  private readonly memberAgg = floatScratch();
  private readonly sums = floatScratch();
  private readonly out = floatScratch();
  private readonly vm = floatScratch();
  private readonly gr = floatScratch();
  private readonly dSums = floatScratch();
  private readonly dAtt = floatScratch();
  private readonly dMember = floatScratch();
  private readonly dQuery = floatScratch();
  private readonly dAgg = floatScratch();
  private readonly dVm = floatScratch();
  private saved: { query: Float32Array; agg: Float32Array; w: Float32Array; weights: GroupAttentionWeights; B: number; k1: number } | undefined;

  constructor(readonly alpha: number, readonly D: number, private readonly k: Kernels) {}

  /**
   * out [B, D] from query [B, D] (x_v·W of each centre), agg [B·k1, D] (centre b's aggregates at
   * rows b·k1 …), W [D, D] and the head's attention weights.
   */
  forward(query: Float32Array, agg: Float32Array, w: Float32Array, weights: GroupAttentionWeights, B: number, k1: number, training: boolean): Float32Array {
    const D = this.D, n = k1 + 1, G = B * k1, { a, attBias, wBias, outBias } = weights;
    const vm = this.vm.get(D), memberAgg = this.memberAgg.get(G), att = this.att.get(B * n), pre = this.pre.get(B * n), attAgg = this.attAgg.get(G);
    this.k.sgemm(false, false, D, 1, D, 1, w, a.subarray(D, 2 * D), 0, vm);
    this.k.sgemm(false, false, G, 1, D, 1, agg, vm, 0, memberAgg);
    let cq = attBias[0], cm = 0;
    for (let d = 0; d < D; d++) { cq += a[d] * wBias[d]; cm += a[D + d] * wBias[d]; }
    for (let b = 0; b < B; b++) {
      let q = cq, m0 = cm;
      for (let d = 0, o = b * D; d < D; d++) { q += a[d] * query[o + d]; m0 += a[D + d] * query[o + d]; }
      const base = b * n;
      pre[base] = q + m0;
      for (let j = 1; j < n; j++) pre[base + j] = q + memberAgg[b * k1 + j - 1] + cm;
      let mx = -Infinity;
      for (let j = 0; j < n; j++) { const v = pre[base + j]; const e = v > 0 ? v : this.alpha * v; att[base + j] = e; if (e > mx) mx = e; }
      let sum = 0;
      for (let j = 0; j < n; j++) { const e = Math.exp(att[base + j] - mx); att[base + j] = e; sum += e; }
      for (let j = 0; j < n; j++) att[base + j] /= sum;
      attAgg.set(att.subarray(base + 1, base + n), b * k1);
    }
    const sums = this.sums.get(B * D), out = this.out.get(B * D);
    this.k.sgemmBatched(false, false, B, 1, D, k1, 1, attAgg, k1, agg, k1 * D, 0, sums);
    this.k.sgemm(false, false, B, D, D, 1, sums, w, 0, out);
    for (let b = 0; b < B; b++) {
      const w0 = att[b * n];
      for (let d = 0, o = b * D; d < D; d++) { const v = out[o + d] + w0 * query[o + d] + wBias[d] + outBias[d]; out[o + d] = v > 0 ? v : 0; }
    }
    this.saved = training ? { query, agg, w, weights, B, k1 } : undefined;
    return out;
  }

  /**
   * Given dOut [B, D] of the last training forward: adds the gradients of W (`dW`) and of the
   * attention weights into `grads`, and returns the gradients of the query rows [B, D] and of the
   * aggregates [B·k1, D].
   */
  backward(dOut: Float32Array, dW: Float32Array, grads: GroupAttentionWeights): { dQuery: Float32Array; dAgg: Float32Array } {
    const s = this.saved;
    if (!s) throw new Error('CentreAttention: backward needs a training forward first');
    const { query, agg, w, weights: { a, wBias }, B, k1 } = s, D = this.D, n = k1 + 1, G = B * k1;
    const att = this.att.get(B * n), pre = this.pre.get(B * n), attAgg = this.attAgg.get(G), out = this.out.get(B * D), vm = this.vm.get(D);
    const gr = this.gr.get(B * D), dQuery = this.dQuery.get(B * D), dAtt = this.dAtt.get(B * n), dMember = this.dMember.get(G);
    const dSums = this.dSums.get(B * D), dAgg = this.dAgg.get(G * D), dVm = this.dVm.get(D);
    const da = grads.a, dbw = grads.wBias, dbo = grads.outBias;
    // through the ReLU; the output bias and W's bias (Σ att = 1) take the sum
    for (let b = 0; b < B; b++) {
      const w0 = att[b * n];
      let s0 = 0;
      for (let d = 0, o = b * D; d < D; d++) {
        const g = out[o + d] > 0 ? dOut[o + d] : 0;
        gr[o + d] = g;
        dbo[d] += g; dbw[d] += g;
        dQuery[o + d] = w0 * g;
        s0 += g * query[o + d];
      }
      dAtt[b * n] = s0;
    }
    // out = sums·W + …: dSums = gr·Wᵀ, dW += sumsᵀ·gr; dAtt_j = agg_j · dSums_b
    this.k.sgemm(false, true, B, D, D, 1, gr, w, 0, dSums);
    this.k.sgemm(true, false, D, D, B, 1, this.sums.get(B * D), gr, 1, dW);
    this.k.sgemmBatched(false, true, B, k1, 1, D, 1, agg, k1 * D, dSums, D, 0, dMember);
    for (let b = 0; b < B; b++) dAtt.set(dMember.subarray(b * k1, b * k1 + k1), b * n + 1);
    // softmax and LeakyReLU: dPre; each logit is query term + member term (+ b_a)
    let dAttBias = 0, dMemberAggSum = 0;
    for (let b = 0; b < B; b++) {
      const base = b * n;
      let dot = 0;
      for (let j = 0; j < n; j++) dot += att[base + j] * dAtt[base + j];
      let dq = 0;
      for (let j = 0; j < n; j++) {
        const dp = att[base + j] * (dAtt[base + j] - dot) * (pre[base + j] > 0 ? 1 : this.alpha);
        dq += dp;
        if (j > 0) { dMember[b * k1 + j - 1] = dp; dMemberAggSum += dp; }
        else dAtt[base] = dp; // the query row's own member term
      }
      const dm0 = dAtt[base];
      dAttBias += dq;
      // q = a_qᵀ(h_0 + b_w), m_0 = a_mᵀ(h_0 + b_w)
      for (let d = 0, o = b * D; d < D; d++) {
        const h = query[o + d] + wBias[d];
        da[d] += dq * h;
        da[D + d] += dm0 * h;
        dQuery[o + d] += dq * a[d] + dm0 * a[D + d];
        dbw[d] += dq * a[d] + dm0 * a[D + d];
      }
    }
    grads.attBias[0] += dAttBias;
    // member terms of the aggregates: (W·a_m)ᵀ agg_j + a_mᵀ b_w
    for (let d = 0; d < D; d++) { da[D + d] += dMemberAggSum * wBias[d]; dbw[d] += dMemberAggSum * a[D + d]; }
    this.k.sgemm(true, false, D, 1, G, 1, agg, dMember, 0, dVm);
    this.k.sgemm(false, false, G, D, 1, 1, dMember, vm, 0, dAgg);
    this.k.sgemmBatched(false, false, B, k1, D, 1, 1, attAgg, k1, dSums, D, 1, dAgg);
    // vm = W·a_m: dW += dVm ⊗ a_m, da_m += Wᵀ·dVm
    this.k.sgemm(false, false, D, D, 1, 1, dVm, a.subarray(D, 2 * D), 1, dW);
    this.k.sgemm(true, false, D, 1, D, 1, w, dVm, 1, da.subarray(D, 2 * D));
    return { dQuery, dAgg };
  }
}
