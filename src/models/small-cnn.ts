import * as tf from '@tensorflow/tfjs-core';
import { kernels, type Kernels } from '../compute/index.js';
import type { Random } from '../data/random.js';
import { BatchNorm, Conv2d, GlobalAvgPool, Linear, MaxPool, Sequential, type Layer } from '../nn/index.js';
import { heUniform, variable, xavierUniform, type EmbeddingModel } from './embedding-model.js';

export interface SmallCnnOptions {
  /** BatchNorm running-statistics momentum (torch's 0.1) */
  momentum?: number;
  /** the kernels the engine runs on (default: the active ones, native or fallback) */
  kernels?: Kernels;
}

/**
 * The small CNN's shape for h × w images (shared with its ONNX export): each block's output channels,
 * whether it max-pools (not below 2×2), and whether the final map is global-average-pooled.
 */
export function smallCnnLayout(height: number, width: number): { channels: number[]; pools: boolean[]; globalPool: boolean } {
  const channels = [32, 64, 128];
  let [h, w] = [height, width];
  const pools = channels.map(() => {
    const pool = h >= 2 && w >= 2;
    if (pool) [h, w] = [h >> 1, w >> 1];
    return pool;
  });
  return { channels, pools, globalPool: !pools.every(Boolean) || h * w > 16 };
}

/**
 * Small CNN for 28×28 / 32×32 grey (or colour) images: three blocks of 3×3 conv (no bias) +
 * BatchNorm + ReLU + 2×2 max-pool (32, 64 and 128 channels), then the linear embedding layer on the
 * flattened map (28×28 → 3×3×128, 32×32 → 4×4×128). A block skips its pool when the map is below
 * 2×2, and the map is global-average-pooled instead of flattened when a pool was skipped or the
 * final map is larger than 4×4 (big images).
 *
 * It trains on facet's own engine (src/nn: hand-written backward passes over the native
 * kernels) through `trainForward`, not tfjs autodiff. The parameters stay tf.Variables (the
 * trainer's optimiser and checkpoints use them): each pass reads their current values, and a
 * training pass writes BatchNorm's updated running statistics (`bnL.mean`, `bnL.var`,
 * non-trainable) back into theirs.
 */
export function smallCnnModel(
  height: number, width: number, channels: number, embeddingDim: number, rng: Random, options: SmallCnnOptions = {},
): EmbeddingModel {
  if (height < 4 || width < 4) throw new Error(`small CNN: images must be at least 4×4, got ${height}×${width}`);
  if (!(channels >= 1 && Number.isInteger(channels))) throw new Error(`small CNN: channels must be a positive integer, got ${channels}`);
  const k = options.kernels ?? kernels();
  const next = () => rng.next();
  const layers: Layer[] = [];
  let shape: readonly number[] = [height, width, channels];
  const layout = smallCnnLayout(height, width);
  layout.channels.forEach((oc, l) => {
    const cin = shape[2];
    layers.push(new Conv2d(`conv${l}`, shape, oc, heUniform(9 * cin, 9 * cin * oc, next), {}, k));
    layers.push(new BatchNorm(`bn${l}`, layers[layers.length - 1].outShape, { momentum: options.momentum, relu: true }, k));
    shape = layers[layers.length - 1].outShape;
    if (layout.pools[l]) {
      layers.push(new MaxPool(`pool${l}`, shape, { size: 2, stride: 2 }, k));
      shape = layers[layers.length - 1].outShape;
    }
  });
  if (layout.globalPool) {
    layers.push(new GlobalAvgPool('gap', shape));
    shape = layers[layers.length - 1].outShape;
  }
  const flat = shape.reduce((a, b) => a * b, 1);
  layers.push(new Linear('embed', shape, embeddingDim, xavierUniform(flat, embeddingDim, flat * embeddingDim, next), k));
  const net = new Sequential('small CNN', layers);

  const params = new Map<string, tf.Variable>();
  const state: { p: (typeof net.params)[number]; v: tf.Variable }[] = [];
  for (const p of net.params) {
    const v = p.grad
      ? variable(p.name.replace('.', '_'), p.value, [...p.shape])
      : tf.variable(tf.tensor(p.value.slice(), [...p.shape]), false, `${p.name.replace('.', '_')}_${Math.random().toString(36).slice(2)}`);
    params.set(p.name, v);
    state.push({ p, v });
  }
  /** Points the engine at the variables' current values (trainable ones read only; running statistics copied, as training updates them). */
  const sync = () => {
    for (const { p, v } of state) {
      const data = v.dataSync() as Float32Array;
      if (p.grad) p.value = data;
      else p.value.set(data);
    }
  };
  const writeBack = () => tf.tidy(() => {
    // a copy: tfjs may keep the array it is given, and the engine updates these in place
    for (const { p, v } of state) if (!p.grad) v.assign(tf.tensor(p.value.slice(), [...p.shape]));
  });
  const perSample = height * width * channels;
  const checkBatch = (x: Float32Array, batch: number) => {
    if (!Number.isInteger(batch) || batch < 1) throw new Error(`small CNN: batch must be a positive integer, got ${batch}`);
    if (x.length !== batch * perSample) {
      throw new Error(`small CNN: ${x.length} input values is not ${batch} images of ${height}×${width}×${channels}`);
    }
  };
  let training = false;
  const run = (x: Float32Array, batch: number, train: boolean) => {
    checkBatch(x, batch);
    sync();
    const out = net.forward(x, batch, train);
    if (train) writeBack();
    return Float32Array.from(out);
  };

  return {
    kind: 'small-cnn',
    inputShape: [height, width, channels],
    embeddingDim,
    params,
    setTraining(b) {
      training = b;
    },
    forward(x) {
      const s = x.shape;
      if (s.length !== 4 || s[1] !== height || s[2] !== width || s[3] !== channels) {
        throw new Error(`small CNN: input must be [batch, ${height}, ${width}, ${channels}], got [${s.join(', ')}]`);
      }
      return tf.tensor2d(run(x.dataSync() as Float32Array, s[0], training), [s[0], embeddingDim]);
    },
    trainForward(x, batch) {
      const embedding = run(x, batch, true);
      return {
        embedding,
        backward(gradEmbedding) {
          if (gradEmbedding.length !== batch * embeddingDim) {
            throw new Error(`small CNN: embedding gradient has ${gradEmbedding.length} values, expected ${batch}×${embeddingDim}`);
          }
          net.backward(gradEmbedding);
          return new Map([...net.grads()].map(([name, g]) => [name, Float32Array.from(g)]));
        },
      };
    },
  };
}
