import type { BatchEmbedder } from '../models/batch-embedder.js';
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

/** The same through a BatchEmbedder (an ONNX model), `batch` samples per call. */
export async function embedBatchesWithProgress(label: string, embedder: BatchEmbedder, s: Samples, batch = 256): Promise<Float32Array> {
  const per = s.x.length / s.n, d = embedder.embeddingDim;
  const out = new Float32Array(s.n * d);
  const bar = progress(label, s.n, 'images');
  for (let i = 0; i < s.n; i += batch) {
    const rows = Math.min(batch, s.n - i);
    out.set(await embedder.embed(s.x.subarray(i * per, (i + rows) * per), rows), i * d);
    bar.update(i + rows);
  }
  bar.stop();
  return out;
}
