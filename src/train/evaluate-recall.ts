import { evaluateRetrieval } from '../eval/retrieval.js';
import { embed, type EmbeddingModel } from '../models/embedding-model.js';
import { countLabelled, isSamples, type SampleSource, type Samples } from './samples.js';

export interface RecallOptions {
  /** rank against this gallery (In-Shop protocol) instead of leave-one-out within the queries (SOP) */
  gallery?: Samples | SampleSource;
  /** also report R-precision (the semi loop's evaluation table shows it) */
  rPrecision?: boolean;
  /** rows embedded so far, of the queries then the gallery */
  onProgress?: (rowsDone: number) => void;
}

/**
 * facet's one Recall@K evaluation of a model: embed (L2-normalised) → evaluateRetrieval. Scores in
 * percent: `recall@K` for each K that fits, `mapAtR`, and `rPrecision` when asked. −1 rows are no
 * candidates (evaluateRetrieval leaves them out), so a K must be below the labelled gallery rows.
 */
export async function recallAtK(model: EmbeddingModel, s: Samples | SampleSource, ks: number[], o: RecallOptions = {}): Promise<Record<string, number>> {
  const d = model.embeddingDim;
  const { gallery, onProgress } = o;
  const e = await embedAll(model, s, 256, onProgress);
  const usable = ks.filter((k) => k < countLabelled((gallery ?? s).labels));
  const g = gallery && { gallery: { data: await embedAll(model, gallery, 256, onProgress && ((done) => onProgress(s.n + done))), rows: gallery.n, cols: d }, galleryLabels: gallery.labels };
  const r = evaluateRetrieval({ query: { data: e, rows: s.n, cols: d }, queryLabels: s.labels, ...g }, { ks: usable });
  return { ...Object.fromEntries(usable.map((k, i) => [`recall@${k}`, r.recall[i]])), mapAtR: 100 * r.mapAtR, ...(o.rPrecision && { rPrecision: 100 * r.rPrecision }) };
}

/** L2-normalised embeddings of every row: in one pass from memory, or batch by batch from a dataset. */
export async function embedAll(model: EmbeddingModel, s: Samples | SampleSource, batch = 256, onProgress?: (rowsDone: number) => void): Promise<Float32Array> {
  if (isSamples(s)) return embed(model, s.x, s.n, batch, onProgress);
  const d = model.embeddingDim;
  const out = new Float32Array(s.n * d);
  for (let i = 0; i < s.n; i += batch) {
    const idx = Int32Array.from({ length: Math.min(batch, s.n - i) }, (_, j) => i + j);
    const b = await s.rows(idx, { train: false, epoch: 0 });
    out.set(embed(model, b.x, idx.length, batch), i * d);
    onProgress?.(i + idx.length);
  }
  return out;
}
