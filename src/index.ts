// Public API of facet. Each area exports what users may call from code.
export { runGolden } from './cli/golden.js';
export { evaluateRetrieval, referencePercent, DEFAULT_KS } from './eval/retrieval.js';
export type { RetrievalInput, RetrievalOptions, RetrievalMetrics, EmbeddingMatrix } from './eval/retrieval.js';
export { clusteringMetrics, scoreClustering } from './eval/clustering.js';
export type { ClusteringMetrics, ClusterScores, ClusteringOptions } from './eval/clustering.js';
export { minus1AsSingletons, removeSingletons } from './eval/unassigned.js';
export { evaluateVerification, kFoldAccuracy, DEFAULT_FARS } from './eval/verification.js';
export type { VerificationMetrics, VerificationPairs, VerificationOptions } from './eval/verification.js';
export { rocCurve, tarAtFar } from './eval/roc.js';
export { readPairs } from './eval/pairs-file.js';
export { exactKnn, type ExactKnnOptions } from './knn/exact.js';
export { hnswKnn, sampleRecall, type HnswOptions } from './knn/hnsw.js';
export { prepareFeatures } from './knn/prepare.js';
export { synthFaces, knnPrecision, identitySizes, type SynthFacesOptions, type SynthFaces } from './data/synth/synth-faces.js';
export * from './data/files/index.js';
