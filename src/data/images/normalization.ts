import { IMAGENET_MEAN, IMAGENET_STD } from './augment.js';
import { ARCFACE_MEAN, ARCFACE_STD } from './transform.js';

/**
 * How facet scales an image's 0…255 pixels for its networks. `unit`: to [−1, 1], as the grey
 * in-memory sets are read (x/127.5 − 1) and as arcface_torch reads aligned faces ((x/255 − 0.5)/0.5);
 * `imagenet`: (x/255 − mean)/std per RGB channel, as image-file datasets are read for torchvision's ResNets.
 */
export type ImageNormalization = 'unit' | 'imagenet';
export const IMAGE_NORMALIZATIONS: ImageNormalization[] = ['unit', 'imagenet'];

/**
 * The pixel → input function of a normalisation for images of `channels` channels, written as the
 * training pipelines write it (open.ts for grey sets, transformAligned, cropResizeNormalise), so the
 * floats a verification set or an export feeds equal the ones the model trained on, bit for bit.
 */
export function pixelNormalizer(n: ImageNormalization, channels: number): (v: number, k: number) => number {
  if (n === 'unit') return channels === 1 ? (v) => v / 127.5 - 1 : (v, k) => (v / 255 - ARCFACE_MEAN[k]) / ARCFACE_STD[k];
  return (v, k) => (v / 255 - IMAGENET_MEAN[k]) / IMAGENET_STD[k];
}

/** In words, for a model's metadata and the README. */
export function normalizationText(n: ImageNormalization): string {
  return n === 'unit'
    ? 'x/127.5 - 1 (pixels 0..255 to [-1, 1]; arcface_torch\'s (x/255 - 0.5)/0.5)'
    : `RGB (x/255 - mean)/std, mean ${IMAGENET_MEAN.join(',')}, std ${IMAGENET_STD.join(',')} (ImageNet)`;
}
