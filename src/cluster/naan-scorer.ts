import { predictNaan, type NaanPredictOptions } from '../models/naan/predict.js';
import { paramsOf, type NaanCheckpoint } from '../models/naan/checkpoint.js';
import type { EdgeScorer } from './edge-scorer.js';
import { NAAN_PROPAGATION } from './propagation.js';

/** The learned edge scorer: NAAN's GAT link classifier (a `facet cluster train` checkpoint), propagated as NAAN does. */
export function naanScorer(ck: NaanCheckpoint, o: NaanPredictOptions): EdgeScorer {
  return { name: 'naan', propagation: NAAN_PROPAGATION, score: (features, knn) => predictNaan(paramsOf(ck), ck.config, features, knn, o) };
}
