// Feature, label and kNN files in the formats users bring (numpy, learn-to-cluster, NAAN).
export type { DType, NdArray, TypedData } from './ndarray.js';
export type { Matrix } from './matrix.js';
export type { KnnGraph } from './knn-files.js';
export { writeFileAtomic, writeFileAtomicWith, processAlive, removeStaleTemporaries, type WriteChunk } from './atomic.js';
export { readNpy, writeNpy, parseNpy, type NpyVersion } from './npy.js';
export { readNpz, writeNpz } from './npz.js';
export { readFeatures, writeFeatures, checkFinite, type ReadFeaturesOptions } from './features.js';
export { claimRunFolder, withRunFolder, checkOutputIsNoInput, RUN_MARKERS, type RunFolderClaim, type ClaimOptions } from './run-folder-claim.js';
export { readLabels, writeLabels } from './labels.js';
export { readKnn, writeKnnLearnToCluster, writeKnnNaan, readNaanFeats } from './knn-files.js';
export { describeFile, type FileDescription, type ArrayDescription, type ArrayStats } from './describe.js';
