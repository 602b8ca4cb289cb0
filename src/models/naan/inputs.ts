import { extname } from 'node:path';
import { readFeatures, readKnn, readLabels, readNaanFeats, readNpz, type KnnGraph, type Matrix } from '../../data/files/index.js';

export interface SplitInputs {
  features: Matrix;
  knn: KnnGraph;
  /** from --labels, or the `labels` array of a NAAN *_feats.npz */
  labels?: Int32Array;
}

/**
 * A split in either layout, detected from the files: NAAN's (`*_feats.npz` with embs + labels,
 * `*_knn.npy`, labels .txt) or learn-to-cluster's (`.bin` + `--dim`, `.meta`, `faiss_k_K.npz`).
 */
export function readSplit(o: { features: string; knn: string; labels?: string; dim?: number; key?: string }): SplitInputs {
  let features: Matrix;
  let labels: Int32Array | undefined;
  if (extname(o.features).toLowerCase() === '.npz' && 'embs' in readNpz(o.features)) {
    const f = readNaanFeats(o.features);
    features = f.embs;
    labels = f.labels;
  } else {
    features = readFeatures(o.features, { dim: o.dim, key: o.key });
  }
  if (o.labels) labels = readLabels(o.labels, { expectedCount: features.rows, countOf: `feature rows in ${o.features}` });
  const knn = readKnn(o.knn);
  if (knn.n !== features.rows) throw new Error(`${o.knn}: ${knn.n} kNN rows for ${features.rows} feature rows in ${o.features}`);
  return { features, knn, labels };
}
