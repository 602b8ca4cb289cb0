import * as tf from '@tensorflow/tfjs-core';
import type { Random } from '../data/random.js';
import { heUniform, variable, xavierUniform, type EmbeddingModel } from './embedding-model.js';

/**
 * MLP for precomputed features: hidden ReLU layers, then the linear embedding layer, each with a
 * bias as torch's Linear. hidden = [] is the reference's LinearEmbedding on top of a fixed backbone.
 */
export function mlpModel(inputDim: number, hidden: number[], embeddingDim: number, rng: Random): EmbeddingModel {
  const next = () => rng.next();
  const params = new Map<string, tf.Variable>();
  const dims = [inputDim, ...hidden, embeddingDim];
  for (let l = 0; l + 1 < dims.length; l++) {
    const [i, o] = [dims[l], dims[l + 1]];
    const last = l + 2 === dims.length;
    params.set(`dense${l}.w`, variable(`dense${l}_w`, last ? xavierUniform(i, o, i * o, next) : heUniform(i, i * o, next), [i, o]));
    params.set(`dense${l}.b`, variable(`dense${l}_b`, new Float32Array(o), [o]));
  }
  return {
    kind: 'mlp',
    inputShape: [inputDim],
    embeddingDim,
    params,
    forward(x) {
      let h = x as tf.Tensor2D;
      for (let l = 0; l + 1 < dims.length; l++) {
        h = tf.add(tf.matMul(h, params.get(`dense${l}.w`)!), params.get(`dense${l}.b`)!);
        if (l + 2 < dims.length) h = tf.relu(h);
      }
      return h;
    },
  };
}
