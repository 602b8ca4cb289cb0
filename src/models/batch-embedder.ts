import type { ImageNormalization } from '../data/images/normalization.js';

/**
 * Anything that turns a batch of preprocessed inputs into embeddings: a facet model of a run folder, or
 * an ONNX model. Commands that only embed (facet embed, eval verification) take this, so a trained run
 * and an exported or foreign model are interchangeable there.
 */
export interface BatchEmbedder {
  /** per-sample input shape facet feeds, NHWC without the batch: [h, w, c], or [d] for features */
  readonly inputShape: number[];
  readonly embeddingDim: number;
  /** `n` samples, row-major n × inputShape, as facet's datasets produce them → n × embeddingDim, L2-normalised */
  embed(x: Float32Array, n: number): Promise<Float32Array>;
  /**
   * how the model wants an image's 0…255 pixels scaled before `embed` (facet's runs record it; a foreign
   * ONNX face model is taken to want insightface's [−1, 1]); absent for feature models
   */
  readonly imageNormalization?: ImageNormalization;
  /** where the model came from, for messages ("run runs/x, epoch 3", "model.onnx") */
  readonly source: string;
}
