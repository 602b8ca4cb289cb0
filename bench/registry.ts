/** Every benchmark, by name: `npm run bench -- <name>`. Each runs in its own process (peak memory is per run). */
import { benchSgemm } from './sgemm.js';
import { benchKnnExact, benchKnnHnsw } from './knn.js';
import { benchRetrieval } from './retrieval.js';
import { benchClusteringMetrics } from './clustering-metrics.js';

export const benchmarks: Record<string, () => Promise<void>> = {
  sgemm: benchSgemm,
  'knn-exact': benchKnnExact,
  'knn-hnsw': benchKnnHnsw,
  retrieval: benchRetrieval,
  'clustering-metrics': benchClusteringMetrics,
};
