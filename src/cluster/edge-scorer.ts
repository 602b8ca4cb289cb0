import type { KnnGraph, Matrix } from '../data/files/index.js';
import { knnEdges, type ScoredEdges } from './knn-edges.js';
import { CDP_PROPAGATION, type PropagationOptions } from './propagation.js';

/** What turns a kNN graph into scored unique edges for propagation: cosine similarity or a learned link classifier. */
export interface EdgeScorer {
  /** 'cosine', 'naan': recorded in report.json */
  name: string;
  /** the propagation preset its scores are meant for */
  propagation: Readonly<PropagationOptions>;
  score(features: Matrix, knn: KnnGraph): ScoredEdges;
}

/** Cosine similarity (1 − distance) of every kNN pair, propagated as CDP does. */
export const cosineScorer: EdgeScorer = { name: 'cosine', propagation: CDP_PROPAGATION, score: (_features, knn) => knnEdges(knn) };
