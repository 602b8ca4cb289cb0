import type { ImageNormalization } from '../data/images/normalization.js';
import { embed, type EmbeddingModel } from '../models/embedding-model.js';
import type { BatchEmbedder } from '../models/batch-embedder.js';
import { loadTrainedModel } from './trained-model.js';

/** A facet model as a BatchEmbedder (evaluation mode, L2-normalised) for images scaled as `imageNormalization`. */
export function modelEmbedder(model: EmbeddingModel, source: string, imageNormalization?: ImageNormalization): BatchEmbedder {
  return {
    inputShape: model.inputShape,
    embeddingDim: model.embeddingDim,
    imageNormalization,
    source,
    embed: async (x, n) => embed(model, x, n),
  };
}

/**
 * The model of a `facet train` run folder as a BatchEmbedder, at the input shape its checkpoint
 * records, or at `imageSize` × `imageSize` (the recorded channels; RGB for checkpoints of an older
 * facet, which record none).
 */
export function runEmbedder(runDir: string, o: { epoch: 'best' | 'last'; imageSize?: number }): { embedder: BatchEmbedder; epoch: number } {
  const shape = o.imageSize === undefined ? undefined
    : (recorded: number[] | undefined) => [o.imageSize!, o.imageSize!, recorded?.length === 3 ? recorded[2] : 3];
  const { model, epoch, imageNormalization } = loadTrainedModel(runDir, shape, o.epoch);
  return { embedder: modelEmbedder(model, `run ${runDir}, epoch ${epoch}`, imageNormalization), epoch };
}
