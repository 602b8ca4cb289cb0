import * as tf from '@tensorflow/tfjs-core';
import type { Random } from '../data/random.js';
import { heUniform, variable, xavierUniform, type EmbeddingModel } from './embedding-model.js';

/**
 * Small CNN for 28×28 / 32×32 grey (or colour) images: two blocks of 3×3 conv + ReLU + 2×2 max-pool
 * (32 and 64 channels), global average pool, then the linear embedding layer.
 */
export function smallCnnModel(height: number, width: number, channels: number, embeddingDim: number, rng: Random): EmbeddingModel {
  if (height < 4 || width < 4) throw new Error(`small CNN: images must be at least 4×4, got ${height}×${width}`);
  const next = () => rng.next();
  const params = new Map<string, tf.Variable>();
  const convs: [number, number][] = [[channels, 32], [32, 64]];
  convs.forEach(([i, o], l) => {
    params.set(`conv${l}.w`, variable(`conv${l}_w`, heUniform(9 * i, 9 * i * o, next), [3, 3, i, o]));
    params.set(`conv${l}.b`, variable(`conv${l}_b`, new Float32Array(o), [o]));
  });
  params.set('embed.w', variable('embed_w', xavierUniform(64, embeddingDim, 64 * embeddingDim, next), [64, embeddingDim]));
  params.set('embed.b', variable('embed_b', new Float32Array(embeddingDim), [embeddingDim]));
  return {
    kind: 'small-cnn',
    inputShape: [height, width, channels],
    embeddingDim,
    params,
    forward(x) {
      let h = x as tf.Tensor4D;
      for (let l = 0; l < convs.length; l++) {
        h = tf.relu(tf.add(tf.conv2d(h, params.get(`conv${l}.w`) as tf.Tensor4D, 1, 'same'), params.get(`conv${l}.b`)!)) as tf.Tensor4D;
        h = tf.maxPool(h, 2, 2, 'valid');
      }
      const pooled = tf.mean(h, [1, 2]) as tf.Tensor2D;
      return tf.add(tf.matMul(pooled, params.get('embed.w')!), params.get('embed.b')!);
    },
  };
}
