import { Random } from '../data/random.js';
import type { EmbeddingModel } from '../models/embedding-model.js';
import { mlpModel } from '../models/mlp.js';
import { smallCnnModel } from '../models/small-cnn.js';
import { resnetModel } from '../models/resnet.js';
import type { TrainConfig } from './config.js';

/** The configured embedding network for inputs of `sampleShape` ([d] features or [h, w, c] images). */
export function buildModel(c: TrainConfig, sampleShape: number[], rng: Random): EmbeddingModel {
  if (c.model === 'mlp') {
    if (sampleShape.length !== 1) throw new Error(`--model mlp needs feature vectors, got samples of shape [${sampleShape}]`);
    return mlpModel(sampleShape[0], c.hidden, c.embeddingDim, rng);
  }
  if (sampleShape.length !== 3) throw new Error(`--model ${c.model} needs images [h, w, c], got samples of shape [${sampleShape}]`);
  if (c.model === 'resnet18' || c.model === 'resnet50') return resnetModel(c.model === 'resnet18' ? 18 : 50, sampleShape[0], sampleShape[1], sampleShape[2], c.embeddingDim, rng);
  return smallCnnModel(sampleShape[0], sampleShape[1], sampleShape[2], c.embeddingDim, rng);
}
