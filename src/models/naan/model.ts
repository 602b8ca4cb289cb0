import * as tf from '@tensorflow/tfjs-core';
import { kernels } from '../../compute/index.js';
import { Random } from '../../data/random.js';

export interface NaanConfig {
  /** feature dimension D (the GAT keeps it: D' = D, as NAAN's 512 → 512) */
  dim: number;
  /** attention heads, averaged (NAAN: 1) */
  nheads: number;
  /** LeakyReLU slope of the attention logits (0.2) */
  alpha: number;
  /**
   * Features are multiplied by this before the GAT (facet: √D, so unit-norm features have about
   * unit variance per coordinate; NAAN: 1). On unit-norm inputs the first layer's activations are
   * ~1/√D and Adam at 2e-3 barely moves in a few hundred steps (loss stays at ln 2); the original
   * trains for ~10⁵ steps. Absent in older checkpoints: 1.
   */
  inputScale?: number;
}

/** The features as the GAT sees them (× inputScale), as a tensor. */
export function naanInput(features: { data: Float32Array; rows: number; cols: number }, c: NaanConfig): tf.Tensor2D {
  return tf.tidy(() => tf.mul(tf.tensor2d(features.data, [features.rows, features.cols]), c.inputScale ?? 1));
}

/** Every trainable tensor, by the name it is checkpointed under. */
export type NaanParams = Record<string, tf.Variable>;

/**
 * NAAN's parameters: per head a GATLayer (W: D×D xavier-uniform with bias 0, attention a: 2D×1
 * xavier-uniform with bias 0, output bias 0), then the pair classifier Linear(2D, D) → PReLU(D) →
 * Linear(D, 2) with torch's default init (uniform ±1/√fan_in, PReLU slope 0.25). Seeded.
 */
export function initNaan(c: NaanConfig, seed: number): NaanParams {
  const rng = new Random(seed);
  const D = c.dim;
  const uniform = (shape: number[], bound: number) =>
    tf.variable(tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (2 * rng.next() - 1) * bound), shape));
  const zeros = (shape: number[]) => tf.variable(tf.zeros(shape));
  const p: NaanParams = {};
  for (let h = 0; h < c.nheads; h++) {
    p[`attn_${h}.w.weight`] = uniform([D, D], Math.sqrt(6 / (D + D)));
    p[`attn_${h}.w.bias`] = zeros([D]);
    p[`attn_${h}.a.weight`] = uniform([2 * D, 1], Math.sqrt(6 / (2 * D + 1)));
    p[`attn_${h}.a.bias`] = zeros([1]);
    p[`attn_${h}.bias`] = zeros([D]);
  }
  p['classifier.0.weight'] = uniform([2 * D, D], 1 / Math.sqrt(2 * D));
  p['classifier.0.bias'] = uniform([D], 1 / Math.sqrt(2 * D));
  p['classifier.1.weight'] = tf.variable(tf.fill([D], 0.25));
  p['classifier.2.weight'] = uniform([D, 2], 1 / Math.sqrt(D));
  p['classifier.2.bias'] = uniform([2], 1 / Math.sqrt(D));
  return p;
}

/**
 * One single-query GATLayer over G groups of n rows of a table h = W x (no bias) [M, D] (group g =
 * rows groups[g·n … g·n+n−1], row 0 the query): e_j = LeakyReLU(a_qᵀ(h₀ + b) + a_mᵀ(h_j + b) + b_a),
 * att = softmax_j(e) (query included), out = ReLU(Σ_j att_j (h_j + b) + bias) → [G, D]. As Σ att = 1,
 * the bias b of W comes out of the sum.
 */
function gatLayer(p: NaanParams, h: number, alpha: number, table: tf.Tensor2D, groups: Int32Array, n: number): tf.Tensor2D {
  return groupAttention(table, p[`attn_${h}.a.weight`], p[`attn_${h}.a.bias`], p[`attn_${h}.w.bias`], p[`attn_${h}.bias`], groups, n, alpha);
}

/**
 * A GATLayer's attention as one op with its own gradient: logits from the attention terms of the
 * table rows read by index, LeakyReLU, softmax per group, the weighted sum of those rows, bias and
 * ReLU, both passes as kernels (native/attention.cc, or the TypeScript fallback): the G·n·D
 * gathered copy of the table is never built, and none of tfjs's gather/softmax/broadcast kernels
 * (most of a CPU training step before) runs on G·n-sized tensors.
 */
export function groupAttention(
  table: tf.Tensor2D, a: tf.Tensor, attBias: tf.Tensor, wBias: tf.Tensor, outBias: tf.Tensor, groups: Int32Array, n: number, alpha: number,
): tf.Tensor2D {
  const G = groups.length / n, [M, D] = table.shape;
  const f = tf.customGrad(((tableT: tf.Tensor, aT: tf.Tensor, baT: tf.Tensor, bwT: tf.Tensor, boT: tf.Tensor, save: tf.GradSaveFunc) => {
    const k = kernels();
    const T = tableT.dataSync() as Float32Array, A = aT.dataSync() as Float32Array, bw = bwT.dataSync() as Float32Array;
    const att = new Float32Array(G * n), pre = new Float32Array(G * n), out = new Float32Array(G * D);
    k.groupAttentionForward(T, M, D, A, baT.dataSync() as Float32Array, bw, boT.dataSync() as Float32Array, groups, G, n, alpha, att, pre, out);
    const value = tf.tensor2d(out, [G, D]);
    save([value]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const dT = new Float32Array(M * D), dA = new Float32Array(2 * D), dBa = new Float32Array(1), dBw = new Float32Array(D), dBo = new Float32Array(D);
        k.groupAttentionBackward(
          T, M, D, A, bw, groups, G, n, alpha, att, pre, saved[0].dataSync() as Float32Array, dy.dataSync() as Float32Array, dT, dA, dBa, dBw, dBo,
        );
        return [tf.tensor2d(dT, [M, D]), tf.tensor(dA, aT.shape), tf.tensor1d(dBa), tf.tensor1d(dBw), tf.tensor1d(dBo)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(table, a, attBias, wBias, outBias) as tf.Tensor2D;
}

/** The heads applied to the same groups and averaged (NAAN's `GAT` over `nheads` layers). */
function averaged(outs: tf.Tensor2D[]): tf.Tensor2D {
  return outs.length === 1 ? outs[0] : (tf.div(tf.addN(outs), outs.length) as tf.Tensor2D);
}

/**
 * z_v for a batch of nodes, by NAAN's two steps with shared weights: each of the k1 1-hop neighbours
 * u aggregates its group [u; its k2 NNs]; then the centre aggregates [x_v; those k1 aggregates].
 * W is applied once per distinct node of the batch's neighbourhoods (not once per occurrence), and
 * the attention sums read those rows by index: memory is (distinct nodes + B·(k1+1))·D, never N×N.
 * `tables` (per head, `project` of all N features) skips even that, for inference over every node.
 */
export function embedNodes(p: NaanParams, c: NaanConfig, features: tf.Tensor2D, hood: Neighbourhoods, tables?: tf.Tensor2D[]): tf.Tensor2D {
  const { batch: B, k1, k2 } = hood;
  let rows: tf.Tensor2D[];
  let second: Int32Array, centres: Int32Array;
  if (tables) {
    rows = tables;
    second = hood.secondHop;
    centres = hood.centres;
  } else {
    // distinct nodes of the batch, renumbered 0…U−1 through a slot per feature row (a typed array,
    // not a Map: this runs every training step)
    const local = new Int32Array(features.shape[0]).fill(-1);
    const distinct = new Int32Array(hood.centres.length + hood.secondHop.length);
    let count = 0;
    const renumber = (ids: Int32Array) => {
      const out = new Int32Array(ids.length);
      for (let t = 0; t < ids.length; t++) {
        const v = ids[t];
        if (local[v] < 0) { local[v] = count; distinct[count++] = v; }
        out[t] = local[v];
      }
      return out;
    };
    centres = renumber(hood.centres);
    second = renumber(hood.secondHop);
    const x = tf.gather(features, tf.tensor1d(distinct.subarray(0, count), 'int32')) as tf.Tensor2D;
    rows = Array.from({ length: c.nheads }, (_, h) => project(p, h, x));
  }
  // the centre step reads [the B centres' rows; the B·k1 aggregates]: a table of B·(k1+1) rows, so
  // inference over all N nodes never copies the N-row table per batch
  const first = new Int32Array(B * (k1 + 1));
  for (let b = 0; b < B; b++) {
    first[b * (k1 + 1)] = b;
    for (let j = 0; j < k1; j++) first[b * (k1 + 1) + 1 + j] = B + b * k1 + j;
  }
  const centreIds = tf.tensor1d(centres, 'int32');
  const aggregated = averaged(rows.map((t, h) => gatLayer(p, h, c.alpha, t, second, k2 + 1)));
  return averaged(rows.map((t, h) => gatLayer(p, h, c.alpha, tf.concat([tf.gather(t, centreIds), project(p, h, aggregated)], 0), first, k1 + 1)));
}

/** W x (without W's bias) for head h: the table a GATLayer's attention reads. */
export function project(p: NaanParams, h: number, x: tf.Tensor2D): tf.Tensor2D {
  return tf.matMul(x, p[`attn_${h}.w.weight`]) as tf.Tensor2D;
}

/** Index arrays of a batch's 2-hop neighbourhoods (built on the CPU from the kNN rows). */
export interface Neighbourhoods {
  batch: number;
  k1: number;
  k2: number;
  /** [B] node ids */
  centres: Int32Array;
  /** [B·k1·(k2+1)]: for each 1-hop neighbour u, u itself then its k2 nearest */
  secondHop: Int32Array;
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

function classifierLogits(p: NaanParams, za: tf.Tensor2D, zb: tf.Tensor2D): tf.Tensor2D {
  // [z_a; z_b] · W₁ as z_a · W₁[:D] + z_b · W₁[D:] (no concat along columns: its gradient is slow on the CPU)
  const w = p['classifier.0.weight'], D = za.shape[1];
  return classifierHead(p, tf.add(tf.matMul(za, tf.slice(w, [0, 0], [D, D])), tf.matMul(zb, tf.slice(w, [D, 0], [D, D]))) as tf.Tensor2D);
}

/** The classifier after its first product: + bias → PReLU → Linear(D, 2). */
export function classifierHead(p: NaanParams, projected: tf.Tensor2D): tf.Tensor2D {
  const act = tf.prelu(tf.add(projected, p['classifier.0.bias']), p['classifier.1.weight']);
  return tf.add(tf.matMul(act, p['classifier.2.weight']), p['classifier.2.bias']);
}

/**
 * Pair logits, symmetric in (a, b): the classifier's logits for [z_a; z_b] and [z_b; z_a] averaged.
 * Deliberate deviation: the original scores only one order (centre first when training, smaller
 * index first when predicting, §7.2.9), so its score depends on node numbering.
 */
export function pairLogits(p: NaanParams, za: tf.Tensor2D, zb: tf.Tensor2D): tf.Tensor2D {
  return tf.div(tf.add(classifierLogits(p, za, zb), classifierLogits(p, zb, za)), 2);
}
