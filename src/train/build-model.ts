import type { Random } from '../data/random.js';
import { buildBackbone } from '../models/backbones.js';
import type { EmbeddingModel } from '../models/embedding-model.js';
import type { TrainConfig } from './config.js';

/** The configured embedding network for inputs of `sampleShape` ([d] features or [h, w, c] images). */
export function buildModel(c: TrainConfig, sampleShape: number[], rng: Random): EmbeddingModel {
  return buildBackbone(c.model, sampleShape, { embeddingDim: c.embeddingDim, hidden: c.hidden }, rng);
}
