import { Random } from '../random.js';
import { centreCropBox, cropResizeNormalise, IMAGENET_MEAN, IMAGENET_STD, randomResizedCropBox } from './augment.js';

/** The reference pipeline's sizes: resize to 256 × 256, crop 224. */
export interface TransformSizes {
  resize: number;
  crop: number;
}

export const REFERENCE_SIZES: TransformSizes = { resize: 256, crop: 224 };

/** A per-image seed from the dataset seed, epoch and item: augmentation does not depend on load order. */
export function itemSeed(seed: number, epoch: number, item: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(epoch + 1, 0xc2b2ae35) ^ Math.imul(item + 1, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  return (h ^ (h >>> 13)) >>> 0;
}

/**
 * The reference transforms on a decoded `resize` × `resize` RGB image, written into `out`:
 * train: random resized crop (scale 0.16–1, ratio 3/4–4/3) to `crop`, horizontal flip with p = ½;
 * test: centre crop `crop`. Both normalise with ImageNet mean/std.
 */
export function transformRgb(
  img: Uint8Array, sizes: TransformSizes, train: boolean, seed: number, out: Float32Array, outOffset: number,
): void {
  const { resize, crop } = sizes;
  if (train) {
    const rng = new Random(seed);
    const box = randomResizedCropBox(resize, resize, rng);
    cropResizeNormalise(img, resize, resize, 3, box, crop, rng.next() < 0.5, IMAGENET_MEAN, IMAGENET_STD, out, outOffset);
  } else {
    cropResizeNormalise(img, resize, resize, 3, centreCropBox(resize, resize, crop), crop, false, IMAGENET_MEAN, IMAGENET_STD, out, outOffset);
  }
}

/** arcface_torch's Normalize(mean 0.5, std 0.5): (v/255 − 0.5)/0.5, i.e. [−1, 1]. */
export const ARCFACE_MEAN = [0.5, 0.5, 0.5];
export const ARCFACE_STD = [0.5, 0.5, 0.5];

/**
 * arcface_torch's transform of an aligned face (h × w RGB, already the network's size): no resize
 * or crop; train: horizontal flip with p = ½ (seeded); then (v/255 − 0.5)/0.5, written into `out`.
 */
export function transformAligned(img: Uint8Array, h: number, w: number, train: boolean, seed: number, out: Float32Array, outOffset: number): void {
  const flip = train && new Random(seed).next() < 0.5;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = (y * w + (flip ? w - 1 - x : x)) * 3;
      const o = outOffset + (y * w + x) * 3;
      for (let k = 0; k < 3; k++) out[o + k] = (img[s + k] / 255 - ARCFACE_MEAN[k]) / ARCFACE_STD[k];
    }
  }
}
