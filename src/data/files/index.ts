// Feature, label and kNN files in the formats users bring (numpy, learn-to-cluster, NAAN).
export type { DType, NdArray, TypedData } from './ndarray.js';
export type { Matrix } from './matrix.js';
export type { KnnGraph } from './knn-files.js';
export { writeFileAtomic } from './atomic.js';
export { readNpy, writeNpy, parseNpy } from './npy.js';
export { readNpz, writeNpz } from './npz.js';
export { readFeatures, writeFeatures } from './features.js';
export { readLabels, writeLabels } from './labels.js';
export { readKnn, writeKnnLearnToCluster, writeKnnNaan, readNaanFeats } from './knn-files.js';
export { describeFile } from './describe.js';
