import { kernels, type Kernels } from '../../compute/index.js';
import { Random } from '../../data/random.js';
import { NaanGat } from './gat.js';
import { PairClassifier } from './classifier.js';
import type { NaanConfig, NaanParams, Neighbourhoods } from './types.js';

export type { NaanConfig, NaanParams, Neighbourhoods } from './types.js';

/** The features as the GAT sees them (× inputScale): the caller's array itself when the scale is 1. */
export function naanInput(features: { data: Float32Array; rows: number; cols: number }, c: NaanConfig): Float32Array {
  const s = c.inputScale ?? 1;
  return s === 1 ? features.data : features.data.map((v) => v * s);
}

/** The shape of every parameter, in initNaan's (and the checkpoint's) order. */
export function naanShapes(c: NaanConfig): Record<string, number[]> {
  const D = c.dim;
  const s: Record<string, number[]> = {};
  for (let h = 0; h < c.nheads; h++) {
    s[`attn_${h}.w.weight`] = [D, D];
    s[`attn_${h}.w.bias`] = [D];
    s[`attn_${h}.a.weight`] = [2 * D, 1];
    s[`attn_${h}.a.bias`] = [1];
    s[`attn_${h}.bias`] = [D];
  }
  s['classifier.0.weight'] = [2 * D, D];
  s['classifier.0.bias'] = [D];
  s['classifier.1.weight'] = [D];
  s['classifier.2.weight'] = [D, 2];
  s['classifier.2.bias'] = [2];
  return s;
}

/**
 * NAAN's parameters: per head a GATLayer (W: D×D xavier-uniform with bias 0, attention a: 2D×1
 * xavier-uniform with bias 0, output bias 0), then the pair classifier Linear(2D, D) → PReLU(D) →
 * Linear(D, 2) with torch's default init (uniform ±1/√fan_in, PReLU slope 0.25). Seeded.
 */
export function initNaan(c: NaanConfig, seed: number): NaanParams {
  const rng = new Random(seed);
  const D = c.dim;
  const uniform = (size: number, bound: number) => Float32Array.from({ length: size }, () => (2 * rng.next() - 1) * bound);
  const p: NaanParams = {};
  for (let h = 0; h < c.nheads; h++) {
    p[`attn_${h}.w.weight`] = uniform(D * D, Math.sqrt(6 / (D + D)));
    p[`attn_${h}.w.bias`] = new Float32Array(D);
    p[`attn_${h}.a.weight`] = uniform(2 * D, Math.sqrt(6 / (2 * D + 1)));
    p[`attn_${h}.a.bias`] = new Float32Array(1);
    p[`attn_${h}.bias`] = new Float32Array(D);
  }
  p['classifier.0.weight'] = uniform(2 * D * D, 1 / Math.sqrt(2 * D));
  p['classifier.0.bias'] = uniform(D, 1 / Math.sqrt(2 * D));
  p['classifier.1.weight'] = new Float32Array(D).fill(0.25);
  p['classifier.2.weight'] = uniform(2 * D, 1 / Math.sqrt(D));
  p['classifier.2.bias'] = uniform(2, 1 / Math.sqrt(D));
  return p;
}

/**
 * z_v for a batch of nodes (forward only; NaanGat also trains): NAAN's two attention steps with
 * shared weights. `tables` (per head, `project` of all N rows of x) skips the per-batch projection,
 * for inference over every node.
 */
export function embedNodes(p: NaanParams, c: NaanConfig, x: Float32Array, hood: Neighbourhoods, tables?: Float32Array[]): Float32Array {
  return new NaanGat(p, c).forward(x, hood, false, tables);
}

/** W x (without W's bias) of the rows of x for head h [rows, D]: the table a GATLayer's attention reads. */
export function project(p: NaanParams, c: NaanConfig, h: number, x: Float32Array, k: Kernels = kernels()): Float32Array {
  const D = c.dim, rows = x.length / D;
  const t = new Float32Array(rows * D);
  k.sgemm(false, false, rows, D, D, 1, x, p[`attn_${h}.w.weight`], 0, t);
  return t;
}

/**
 * Pair logits [B, 2] for z_a, z_b [B, D], symmetric in (a, b): the classifier's logits for [z_a; z_b]
 * and [z_b; z_a] averaged. Deliberate deviation: the original scores only one order (centre first
 * when training, smaller index first when predicting, §7.2.9), so its score depends on node numbering.
 */
export function pairLogits(p: NaanParams, c: NaanConfig, za: Float32Array, zb: Float32Array): Float32Array {
  const z = new Float32Array(za.length + zb.length);
  z.set(za);
  z.set(zb, za.length);
  return new PairClassifier(p, c.dim).forward(z, za.length / c.dim, false);
}

/**
 * kNN rows → neighbourhood indices. The node itself is left out of its neighbour list wherever it
 * appears (NAAN assumes it at column 0; with duplicate images it may not be, §7.2.12).
 */
export function neighbourhoods(knn: { n: number; k: number; indices: Int32Array }, nodes: Int32Array, k1: number, k2: number): Neighbourhoods {
  const B = nodes.length;
  const out = new Int32Array(B * k1 * (k2 + 1));
  const nbrs1 = new Int32Array(k1);
  const nbrs2 = new Int32Array(k2);
  let o = 0;
  for (let b = 0; b < B; b++) {
    nearest(knn, nodes[b], nbrs1);
    for (const u of nbrs1) {
      out[o++] = u;
      nearest(knn, u, nbrs2);
      for (const w of nbrs2) out[o++] = w;
    }
  }
  return { batch: B, k1, k2, centres: Int32Array.from(nodes), secondHop: out };
}

/** The first out.length neighbours of v other than v itself and −1 padding (repeating the last when short). */
function nearest(knn: { k: number; indices: Int32Array }, v: number, out: Int32Array): void {
  let m = 0;
  for (let j = 0; j < knn.k && m < out.length; j++) {
    const u = knn.indices[v * knn.k + j];
    if (u !== v && u >= 0) out[m++] = u;
  }
  if (m === 0) throw new Error(`kNN row ${v} has no neighbour other than itself`);
  while (m < out.length) { out[m] = out[m - 1]; m++; }
}
