import { kernels, type Kernels } from '../../compute/index.js';
import { GroupAttention, type GroupAttentionWeights } from '../../nn/group-attention.js';
import { floatScratch, Scratch } from '../../nn/layer.js';
import { CentreAttention } from './centre-attention.js';
import type { NaanConfig, NaanParams, Neighbourhoods } from './types.js';

const intScratch = () => new Scratch((n) => new Int32Array(n));

/** Head h's attention weights (or their gradients) in `p`. */
function headWeights(p: NaanParams, h: number): GroupAttentionWeights {
  return { a: p[`attn_${h}.a.weight`], attBias: p[`attn_${h}.a.bias`], wBias: p[`attn_${h}.w.bias`], outBias: p[`attn_${h}.bias`] };
}

/**
 * NAAN's GAT (`gat.py::GAT`) on facet's engine: z_v for a batch of nodes by two steps with shared
 * weights. Each of the k1 1-hop neighbours u aggregates its group [u; its k2 NNs]; then the centre
 * aggregates [x_v; those k1 aggregates]; heads are averaged. W is applied once per distinct node of
 * the batch's neighbourhoods (not once per occurrence) and the attention reads those rows by index;
 * the aggregates are never projected (CentreAttention). Memory is (distinct nodes + B·(k1+1))·D,
 * never the B·k1·(k2+1)·D gathered copy nor N×N.
 *
 * Like a layer, forward keeps what backward needs and the arrays returned stay valid until the next
 * call; buffers are reused across steps.
 */
export class NaanGat {
  private readonly second: GroupAttention[];
  private readonly centre: CentreAttention[];
  /** feature row → its local number in this batch, −1 when absent (reset after every forward) */
  private slot = new Int32Array(0);
  private readonly distinct = intScratch();
  private readonly localSecond = intScratch();
  private readonly localCentres = intScratch();
  private readonly x = floatScratch();
  private readonly projected: ReturnType<typeof floatScratch>[];
  private readonly queries: ReturnType<typeof floatScratch>[];
  private readonly mean = floatScratch();
  private readonly z = floatScratch();
  private readonly dz = floatScratch();
  private readonly dAgg = floatScratch();
  private saved: { U: number; B: number; k1: number; centres: Int32Array } | undefined;

  constructor(private readonly p: NaanParams, private readonly c: NaanConfig, private readonly k: Kernels = kernels()) {
    const each = <T>(f: () => T) => Array.from({ length: c.nheads }, f);
    this.second = each(() => new GroupAttention(c.alpha, k));
    this.centre = each(() => new CentreAttention(c.alpha, c.dim, k));
    this.projected = each(floatScratch);
    this.queries = each(floatScratch);
  }

  /**
   * z [B, D] of hood's centres from x [N, D] (the features × inputScale). With `tables` (per head,
   * x·W of all N rows) the second-hop step reads them directly; training needs them absent.
   */
  forward(x: Float32Array, hood: Neighbourhoods, training: boolean, tables?: Float32Array[]): Float32Array {
    const { batch: B, k1, k2 } = hood, D = this.c.dim;
    if (training && tables) throw new Error('NaanGat: training projects the batch itself (no precomputed tables)');
    let rows: Float32Array[], M: number, second: Int32Array, centres: Int32Array, U = 0;
    if (tables) {
      rows = tables;
      M = tables[0].length / D;
      second = hood.secondHop;
      centres = hood.centres;
    } else {
      const N = x.length / D;
      if (this.slot.length < N) this.slot = new Int32Array(N).fill(-1);
      const distinct = this.distinct.get(hood.centres.length + hood.secondHop.length);
      const renumber = (ids: Int32Array, out: Int32Array) => {
        for (let t = 0; t < ids.length; t++) {
          const v = ids[t];
          if (this.slot[v] < 0) { this.slot[v] = U; distinct[U++] = v; }
          out[t] = this.slot[v];
        }
        return out;
      };
      centres = renumber(hood.centres, this.localCentres.get(B));
      second = renumber(hood.secondHop, this.localSecond.get(hood.secondHop.length));
      const xs = this.x.get(U * D);
      for (let u = 0; u < U; u++) {
        const v = distinct[u];
        xs.set(x.subarray(v * D, v * D + D), u * D);
        this.slot[v] = -1;
      }
      M = U;
      rows = this.projected.map((s, h) => {
        const t = s.get(U * D);
        this.k.sgemm(false, false, U, D, D, 1, xs, this.p[`attn_${h}.w.weight`], 0, t);
        return t;
      });
    }
    const agg = this.average(rows.map((t, h) => this.second[h].forward(t, M, D, headWeights(this.p, h), second, k2 + 1, training)), this.mean, B * k1 * D);
    // the centre step: [x_v·W (a row of the projected table); the k1 aggregates], see CentreAttention
    const z = this.average(rows.map((t, h) => {
      const q = this.queries[h].get(B * D);
      for (let b = 0; b < B; b++) q.set(t.subarray(centres[b] * D, centres[b] * D + D), b * D);
      return this.centre[h].forward(q, agg, this.p[`attn_${h}.w.weight`], headWeights(this.p, h), B, k1, training);
    }), this.z, B * D);
    this.saved = training ? { U, B, k1, centres } : undefined;
    return z;
  }

  /** Given dz [B, D] of the last training forward, writes the GAT's gradients into `grads` (every attn_* entry overwritten). */
  backward(dz: Float32Array, grads: NaanParams): void {
    const s = this.saved;
    if (!s) throw new Error('NaanGat: backward needs a training forward first');
    const { U, B, k1, centres } = s, D = this.c.dim, H = this.c.nheads, G = B * k1;
    const heads = Array.from({ length: H }, (_, h) => h);
    for (const h of heads) for (const v of Object.values(headWeights(grads, h))) v.fill(0);
    const dOut = this.scaled(dz, H, this.dz);
    // centre step: W's gradient, and the aggregates' (averaged over heads, as the heads' second-hop steps averaged them)
    const centre = heads.map((h) => {
      const gw = grads[`attn_${h}.w.weight`];
      gw.fill(0);
      return this.centre[h].backward(dOut, gw, headWeights(grads, h));
    });
    const dOut1 = this.average(centre.map((r) => r.dAgg), this.dAgg, G * D);
    const xs = this.x.get(U * D);
    for (const h of heads) {
      const dT = this.second[h].backward(dOut1, headWeights(grads, h));
      // the centres' query rows are rows of the projected batch too
      const dq = centre[h].dQuery;
      for (let b = 0; b < B; b++) {
        const o = centres[b] * D, r = b * D;
        for (let d = 0; d < D; d++) dT[o + d] += dq[r + d];
      }
      this.k.sgemm(true, false, D, D, U, 1, xs, dT, 1, grads[`attn_${h}.w.weight`]);
    }
  }

  /** The mean of the heads' outputs (the one output itself with one head). */
  private average(outs: Float32Array[], into: ReturnType<typeof floatScratch>, size: number): Float32Array {
    if (outs.length === 1) return outs[0];
    const m = into.get(size);
    m.set(outs[0]);
    for (let h = 1; h < outs.length; h++) { const o = outs[h]; for (let i = 0; i < size; i++) m[i] += o[i]; }
    for (let i = 0; i < size; i++) m[i] /= outs.length;
    return m;
  }

  /** The gradient of average() for each head: dy / H (dy itself with one head; in place when into holds dy). */
  private scaled(dy: Float32Array, H: number, into: ReturnType<typeof floatScratch>): Float32Array {
    if (H === 1) return dy;
    const out = into.get(dy.length);
    for (let i = 0; i < dy.length; i++) out[i] = dy[i] / H;
    return out;
  }
}
