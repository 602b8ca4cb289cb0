export type { Dataset, DatasetItem, Batch, DatasetIndex, RawItem, PixelArray } from './types.js';
export { openDataset, type OpenOptions } from './open.js';
export { indexDataset, DATASET_NAMES } from './catalog.js';
export { checkDataset, type CheckReport } from './check.js';
export { carveValidation } from './validation.js';
export { readMat5, type MatValue } from './mat5.js';
export { parseIdx } from './idx.js';
export { DEBIAN_FASHION_MNIST } from './fashion-mnist.js';
export { GLYPHS_FILE } from './glyphs.js';
