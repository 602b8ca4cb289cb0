export { decodeResized, checkImage, decodeAligned, checkImageBytes } from './decode.js';
export { transformRgb, transformAligned, itemSeed, REFERENCE_SIZES, ARCFACE_MEAN, ARCFACE_STD, type TransformSizes } from './transform.js';
export { randomResizedCropBox, centreCropBox, cropResizeNormalise, IMAGENET_MEAN, IMAGENET_STD, type CropBox } from './augment.js';
export { Prefetcher } from './prefetch.js';
export { faceJpeg } from './encode.js';
export { decodeEncodedImages } from './decode-encoded.js';
export { pixelNormalizer, normalizationText, IMAGE_NORMALIZATIONS, type ImageNormalization } from './normalization.js';
