import * as tf from '@tensorflow/tfjs-core';
import { Random } from '../../data/random.js';

export interface NaanConfig {
  /** feature dimension D (the GAT keeps it: D' = D, as NAAN's 512 → 512) */
  dim: number;
  /** attention heads, averaged (NAAN: 1) */
  nheads: number;
  /** LeakyReLU slope of the attention logits (0.2) */
  alpha: number;
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
 * One single-query GATLayer over groups [B, n, D] whose row 0 is the query:
 * h = W x + b; e_j = LeakyReLU(aᵀ[h₀; h_j] + b_a); att = softmax_j(e) (query included);
 * out = ReLU(Σ_j att_j h_j + bias) → [B, D].
 */
function gatLayer(p: NaanParams, h: number, alpha: number, groups: tf.Tensor3D): tf.Tensor2D {
  const [B, n, D] = groups.shape;
  const hid = tf.add(tf.matMul(tf.reshape(groups, [B * n, D]), p[`attn_${h}.w.weight`]), p[`attn_${h}.w.bias`]);
  const a = p[`attn_${h}.a.weight`];
  const aQuery = tf.slice(a, [0, 0], [D, 1]);
  const aMember = tf.slice(a, [D, 0], [D, 1]);
  const h3 = tf.reshape(hid, [B, n, D]);
  const query = tf.reshape(tf.slice(h3, [0, 0, 0], [B, 1, D]), [B, D]);
  const eMember = tf.reshape(tf.matMul(hid, aMember), [B, n]);
  const eQuery = tf.matMul(query, aQuery); // [B, 1], broadcast over members
  const e = tf.leakyRelu(tf.add(tf.add(eMember, eQuery), p[`attn_${h}.a.bias`]), alpha);
  const att = tf.softmax(e, 1);
  const pooled = tf.reshape(tf.matMul(tf.reshape(att, [B, 1, n]), h3), [B, D]);
  return tf.relu(tf.add(pooled, p[`attn_${h}.bias`])) as tf.Tensor2D;
}

/** The heads applied to the same groups and averaged (NAAN's `GAT` over `nheads` layers). */
function heads(p: NaanParams, c: NaanConfig, groups: tf.Tensor3D): tf.Tensor2D {
  const outs = Array.from({ length: c.nheads }, (_, h) => gatLayer(p, h, c.alpha, groups));
  return outs.length === 1 ? outs[0] : (tf.div(tf.addN(outs), c.nheads) as tf.Tensor2D);
}

/**
 * z_v for a batch of nodes, by NAAN's two steps with shared weights: each of the k1 1-hop neighbours
 * u aggregates its group [u; its k2 NNs]; then the centre aggregates [x_v; those k1 aggregates].
 * Features are gathered by index from `features` (N×D) per batch: memory is B·k1·(k2+1)·D, never N×N.
 */
export function embedNodes(p: NaanParams, c: NaanConfig, features: tf.Tensor2D, hood: Neighbourhoods): tf.Tensor2D {
  const { batch: B, k1, k2 } = hood;
  const D = c.dim;
  const second = tf.reshape(tf.gather(features, hood.secondHop), [B * k1, k2 + 1, D]) as tf.Tensor3D;
  const aggregated = tf.reshape(heads(p, c, second), [B, k1, D]);
  const centre = tf.reshape(tf.gather(features, hood.centres), [B, 1, D]);
  return heads(p, c, tf.concat([centre, aggregated], 1) as tf.Tensor3D);
}

/** Index tensors of a batch's 2-hop neighbourhoods (built on the CPU from the kNN rows). */
export interface Neighbourhoods {
  batch: number;
  k1: number;
  k2: number;
  /** [B] node ids */
  centres: tf.Tensor1D;
  /** [B·k1·(k2+1)]: for each 1-hop neighbour u, u itself then its k2 nearest */
  secondHop: tf.Tensor1D;
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
  return { batch: B, k1, k2, centres: tf.tensor1d(nodes, 'int32'), secondHop: tf.tensor1d(out, 'int32') };
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
  const hidden = tf.add(tf.matMul(tf.concat([za, zb], 1), p['classifier.0.weight']), p['classifier.0.bias']);
  const act = tf.prelu(hidden, p['classifier.1.weight']);
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
