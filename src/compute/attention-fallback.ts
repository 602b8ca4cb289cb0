import { type AttentionKernels, checkedAttentionKernels, checkGroupRows } from './attention-kernel-interface.js';

/**
 * Portable TypeScript version of native/attention.cc: one thread, the attention terms of every table
 * row computed once up front, and the table gradient scattered into dTable group by group.
 */
export const attentionFallbackKernels: AttentionKernels = checkedAttentionKernels({
  groupAttentionForward(T, M, D, A, attBias, bw, bo, groups, G, n, alpha, att, pre, out) {
    checkGroupRows('groupAttentionForward', groups, G * n, M);
    // per-row query and member terms aᵀ(h + b)
    let cq = attBias[0], cm = 0;
    for (let d = 0; d < D; d++) { cq += A[d] * bw[d]; cm += A[D + d] * bw[d]; }
    const Q = new Float32Array(M), Mb = new Float32Array(M);
    for (let r = 0; r < M; r++) {
      let q = cq, m = cm;
      const o = r * D;
      for (let d = 0; d < D; d++) { q += A[d] * T[o + d]; m += A[D + d] * T[o + d]; }
      Q[r] = q; Mb[r] = m;
    }
    const bias = Float32Array.from(bo.subarray(0, D), (v, d) => v + bw[d]);
    out.fill(0, 0, G * D);
    for (let g = 0; g < G; g++) {
      const q = Q[groups[g * n]], base = g * n;
      let mx = -Infinity;
      for (let j = 0; j < n; j++) {
        const v = q + Mb[groups[base + j]];
        pre[base + j] = v;
        const e = v > 0 ? v : alpha * v;
        att[base + j] = e;
        if (e > mx) mx = e;
      }
      let sum = 0;
      for (let j = 0; j < n; j++) { const e = Math.exp(att[base + j] - mx); att[base + j] = e; sum += e; }
      const o = g * D;
      for (let j = 0; j < n; j++) {
        const w = (att[base + j] /= sum), r = groups[base + j] * D;
        for (let d = 0; d < D; d++) out[o + d] += w * T[r + d];
      }
      for (let d = 0; d < D; d++) { const v = out[o + d] + bias[d]; out[o + d] = v > 0 ? v : 0; }
    }
  },
  groupAttentionBackward(T, M, D, A, bw, groups, G, n, alpha, att, pre, Y, dY, dT, dA, dBa, dBw, dBo) {
    checkGroupRows('groupAttentionBackward', groups, G * n, M);
    dT.fill(0, 0, M * D);
    dBo.fill(0, 0, D);
    const dQ = new Float32Array(M), dM = new Float32Array(M), gr = new Float32Array(D), dAtt = new Float32Array(n);
    for (let g = 0; g < G; g++) {
      const o = g * D, base = g * n;
      for (let d = 0; d < D; d++) { const v = Y[o + d] > 0 ? dY[o + d] : 0; gr[d] = v; dBo[d] += v; }
      let dot = 0;
      for (let j = 0; j < n; j++) {
        const w = att[base + j], r = groups[base + j] * D;
        let s = 0;
        for (let d = 0; d < D; d++) { s += gr[d] * T[r + d]; dT[r + d] += w * gr[d]; }
        dAtt[j] = s;
        dot += w * s;
      }
      for (let j = 0; j < n; j++) {
        const dPre = att[base + j] * (dAtt[j] - dot) * (pre[base + j] > 0 ? 1 : alpha);
        dM[groups[base + j]] += dPre;
        dQ[groups[base]] += dPre;
      }
    }
    // through the attention terms: dh_r += dQ_r a_q + dM_r a_m; da = Σ_r [dQ_r; dM_r] (h_r + b)
    dA.fill(0, 0, 2 * D);
    dBw.set(dBo.subarray(0, D));
    let sQ = 0, sM = 0;
    for (let r = 0; r < M; r++) {
      const q = dQ[r], m = dM[r], o = r * D;
      if (q === 0 && m === 0) continue;
      sQ += q; sM += m;
      for (let d = 0; d < D; d++) {
        dT[o + d] += q * A[d] + m * A[D + d];
        dA[d] += q * T[o + d];
        dA[D + d] += m * T[o + d];
      }
    }
    for (let d = 0; d < D; d++) { dA[d] += sQ * bw[d]; dA[D + d] += sM * bw[d]; dBw[d] += sQ * A[d] + sM * A[D + d]; }
    // b_a sits in every logit once, as the query term does
    dBa[0] = sQ;
  },
});
