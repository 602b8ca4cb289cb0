/** Every benchmark, by name: `npm run bench -- <name>`. Each runs in its own process (peak memory is per run). */
import { benchSgemm } from './sgemm.js';
import { benchCnnStep } from './cnn-step.js';
import { benchResnetLayers } from './resnet-layers.js';
import { benchKnnExact, benchKnnHnsw } from './knn.js';
import { benchRetrieval } from './retrieval.js';
import { benchClusteringMetrics } from './clustering-metrics.js';
import { benchLoadFeatures } from './load-features.js';
import { benchPropagation } from './propagation.js';
import { benchBroadFaceLoss } from './broadface-loss.js';
import { benchImageLoading } from './image-loading.js';
import { benchTrainStep } from './train-step.js';
import { benchResnet18Step, benchResnet50Step } from './resnet-step.js';
import { benchNaanEmbed, benchNaanEndToEnd, benchNaanTrainStep } from './naan.js';
import { benchInsightfaceIo } from './insightface-io.js';

export const benchmarks: Record<string, () => Promise<void>> = {
  sgemm: benchSgemm,
  'cnn-step': benchCnnStep,
  'resnet-layers': benchResnetLayers,
  'knn-exact': benchKnnExact,
  'knn-hnsw': benchKnnHnsw,
  retrieval: benchRetrieval,
  'clustering-metrics': benchClusteringMetrics,
  'load-features': benchLoadFeatures,
  propagation: benchPropagation,
  'broadface-loss': benchBroadFaceLoss,
  'image-loading': benchImageLoading,
  'train-step': benchTrainStep,
  'resnet18-step': benchResnet18Step,
  'resnet50-step': benchResnet50Step,
  'naan-embed': benchNaanEmbed,
  'naan-e2e': benchNaanEndToEnd,
  'naan-train-step': benchNaanTrainStep,
  'insightface-io': benchInsightfaceIo,
};
