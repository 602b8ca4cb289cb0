import type { BatchEmbedder } from '../models/batch-embedder.js';
import { embed, type EmbeddingModel } from '../models/embedding-model.js';
import { asSource, type SampleSource, type Samples } from './samples.js';
import { progress } from '../report/progress.js';

/** L2-normalised embeddings of every sample, with a progress bar. */
export function embedWithProgress(label: string, model: EmbeddingModel, s: Samples): Float32Array {
  const bar = progress(label, s.n, 'images');
  const e = embed(model, s.x, s.n, 256, (done) => bar.update(done));
  bar.stop();
  return e;
}

/** Embeddings by any BatchEmbedder (a run's model, an ONNX model) of samples in memory or streamed from disk, `batch` per call. */
export async function embedSourceWithProgress(label: string, embedder: BatchEmbedder, samples: Samples | SampleSource, batch = 256): Promise<Float32Array> {
  const s = asSource(samples), d = embedder.embeddingDim;
  const out = new Float32Array(s.n * d);
  const bar = progress(label, s.n, 'images');
  for (let i = 0; i < s.n; i += batch) {
    const rows = Math.min(batch, s.n - i);
    const { x } = await s.rows(Int32Array.from({ length: rows }, (_, r) => i + r), { train: false, epoch: 0 });
    out.set(await embedder.embed(x, rows), i * d);
    bar.update(i + rows);
  }
  bar.stop();
  return out;
}
