import { sizeOf, type Sequential } from '../nn/index.js';
import type { EmbeddingModel } from './embedding-model.js';

/**
 * An EmbeddingModel over one network of facet's layers (a Sequential): its params by name, an
 * evaluation forward, and a training forward whose backward fills the params' gradients. Input sizes
 * are checked here, so a wrong batch is an error naming the network, not a layer deep inside it.
 */
export function layerModel(kind: string, net: Sequential): EmbeddingModel {
  const what = net.name;
  const inputShape = [...net.inShape];
  const embeddingDim = sizeOf(net.outShape);
  const perSample = sizeOf(inputShape);
  const check = (x: Float32Array, batch: number) => {
    if (!Number.isInteger(batch) || batch < 1) throw new Error(`${what}: batch must be a positive integer, got ${batch}`);
    if (x.length !== batch * perSample) {
      throw new Error(`${what}: ${x.length} input values is not ${batch} samples of [${inputShape.join(', ')}]`);
    }
  };
  return {
    kind,
    inputShape,
    embeddingDim,
    params: new Map(net.params.map((p) => [p.name, p])),
    forward(x, n) {
      check(x, n);
      return net.forward(x, n, false);
    },
    trainForward(x, batch) {
      check(x, batch);
      const embedding = net.forward(x, batch, true);
      return {
        embedding,
        backward(gradEmbedding) {
          if (gradEmbedding.length !== batch * embeddingDim) {
            throw new Error(`${what}: embedding gradient has ${gradEmbedding.length} values, expected ${batch}×${embeddingDim}`);
          }
          net.backward(gradEmbedding, false);
          return net.grads();
        },
      };
    },
  };
}
