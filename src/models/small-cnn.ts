import { kernels, type Kernels } from '../compute/index.js';
import type { Random } from '../data/random.js';
import { BatchNorm, Conv2d, GlobalAvgPool, Linear, MaxPool, Sequential, type Layer } from '../nn/index.js';
import { heUniform, xavierUniform, type EmbeddingModel } from './embedding-model.js';
import { layerModel } from './layer-model.js';

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
 * Params: `convL.w` [3, 3, cin, cout], `bnL.gamma/.beta` and the running statistics `bnL.mean/.var`
 * (state), `embed.w/.b`.
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
  return layerModel('small-cnn', new Sequential('small CNN', layers));
}
