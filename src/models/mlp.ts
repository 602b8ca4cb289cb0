import type { Random } from '../data/random.js';
import { Linear, Relu, Sequential, type Layer } from '../nn/index.js';
import { heUniform, xavierUniform, type EmbeddingModel } from './embedding-model.js';
import { layerModel } from './layer-model.js';

/**
 * MLP for precomputed features on facet's layers: hidden Linear + ReLU layers, then the linear
 * embedding layer, each with a bias as torch's Linear (params `denseL.w` [in, out], `denseL.b`).
 * hidden = [] is the reference's LinearEmbedding on top of a fixed backbone.
 */
export function mlpModel(inputDim: number, hidden: number[], embeddingDim: number, rng: Random): EmbeddingModel {
  const next = () => rng.next();
  const dims = [inputDim, ...hidden, embeddingDim];
  const layers: Layer[] = [];
  for (let l = 0; l + 1 < dims.length; l++) {
    const [i, o] = [dims[l], dims[l + 1]];
    const last = l + 2 === dims.length;
    layers.push(new Linear(`dense${l}`, [i], o, last ? xavierUniform(i, o, i * o, next) : heUniform(i, i * o, next)));
    if (!last) layers.push(new Relu(`relu${l}`, [o]));
  }
  return layerModel('mlp', new Sequential('MLP', layers));
}
