// Feature, label and kNN files in the formats users bring (numpy, learn-to-cluster, NAAN).
export type { DType, NdArray, TypedData } from './ndarray.js';
export type { Matrix } from './matrix.js';
export { firstZeroRow } from './matrix.js';
export type { KnnGraph } from './knn-files.js';
export { writeFileAtomic, writeFileAtomicWith, openFileAtomic, processAlive, removeStaleTemporaries, type AtomicFile, type WriteChunk } from './atomic.js';
export { readNpy, writeNpy, parseNpy, type NpyVersion } from './npy.js';
export { readNpz, writeNpz } from './npz.js';
export { readFeatures, writeFeatures, checkFinite, type ReadFeaturesOptions } from './features.js';
export { claimRunFolder, withRunFolder, checkOutputIsNoInput, RUN_MARKERS, type RunFolderClaim, type ClaimOptions } from './run-folder-claim.js';
export { readLabels, writeLabels, UNLABELLED } from './labels.js';
export { readKnn, writeKnnLearnToCluster, writeKnnNaan, readNaanFeats } from './knn-files.js';
export { readJsonFile } from './json-file.js';
export { checkOutputFolder, fsError, fsReason, makeDir } from './fs-errors.js';
export { describeFile, type FileDescription, type ArrayDescription, type ArrayStats } from './describe.js';
export { RecordFile, RecordWriter, readRecordIdx, frameRecord, RECORDIO_MAGIC, type IdxEntry } from './recordio.js';
export { packIR, unpackIR, irClass, irHeaderBytes, IR_HEADER_BYTES, type IRHeader } from './irheader.js';
export { readVerificationBin, writeVerificationBin, type VerificationBin } from './verification-bin.js';
