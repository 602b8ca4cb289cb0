import { embed, type EmbeddingModel } from '../models/embedding-model.js';
import type { Samples } from '../train/samples.js';
import { progress } from './progress.js';

/** L2-normalised embeddings of every sample, with a progress bar. */
export function embedWithProgress(label: string, model: EmbeddingModel, s: Samples): Float32Array {
  const bar = progress(label, s.n, 'images');
  const e = embed(model, s.x, s.n, 256, (done) => bar.update(done));
  bar.stop();
  return e;
}
