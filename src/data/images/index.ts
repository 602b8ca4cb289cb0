export { decodeResized, checkImage } from './decode.js';
export { transformRgb, itemSeed, REFERENCE_SIZES, type TransformSizes } from './transform.js';
export { randomResizedCropBox, centreCropBox, cropResizeNormalise, IMAGENET_MEAN, IMAGENET_STD, type CropBox } from './augment.js';
export { Prefetcher } from './prefetch.js';
export { decodeEncodedImages } from './decode-encoded.js';
