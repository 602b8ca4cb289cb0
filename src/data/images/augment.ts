import type { Random } from '../random.js';

/** ImageNet channel statistics (torchvision's Normalize in the reference). */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406];
export const IMAGENET_STD = [0.229, 0.224, 0.225];

export interface CropBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * torchvision RandomResizedCrop's box: area a fraction in `scale` of the image, aspect ratio
 * log-uniform in `ratio`, ten tries, then the centre crop clamped to `ratio`.
 */
export function randomResizedCropBox(w: number, h: number, rng: Random, scale = [0.16, 1], ratio = [3 / 4, 4 / 3]): CropBox {
  const area = w * h;
  const logLo = Math.log(ratio[0]);
  const logHi = Math.log(ratio[1]);
  for (let t = 0; t < 10; t++) {
    const target = area * (scale[0] + rng.next() * (scale[1] - scale[0]));
    const aspect = Math.exp(logLo + rng.next() * (logHi - logLo));
    const cw = Math.round(Math.sqrt(target * aspect));
    const ch = Math.round(Math.sqrt(target / aspect));
    if (cw > 0 && ch > 0 && cw <= w && ch <= h) {
      return { left: rng.int(w - cw + 1), top: rng.int(h - ch + 1), width: cw, height: ch };
    }
  }
  const inRatio = w / h;
  const cw = inRatio < ratio[0] ? w : inRatio > ratio[1] ? Math.round(h * ratio[1]) : w;
  const ch = inRatio < ratio[0] ? Math.round(w / ratio[0]) : h;
  return { left: Math.floor((w - cw) / 2), top: Math.floor((h - ch) / 2), width: cw, height: ch };
}

/** the centre `size` × `size` box (torchvision CenterCrop's rounding) */
export function centreCropBox(w: number, h: number, size: number): CropBox {
  return { left: Math.round((w - size) / 2), top: Math.round((h - size) / 2), width: size, height: size };
}

/**
 * Crops `box` from an interleaved uint8 image, resizes it bilinearly (half-pixel centres, as
 * torchvision) to `size` × `size`, optionally mirrors it, and writes (v/255 − mean)/std into `out`
 * at `outOffset` (NHWC).
 */
export function cropResizeNormalise(
  src: Uint8Array, w: number, h: number, c: number, box: CropBox, size: number, flip: boolean,
  mean: number[], std: number[], out: Float32Array, outOffset: number,
): void {
  const sx = box.width / size;
  const sy = box.height / size;
  for (let y = 0; y < size; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), box.height - 1) + box.top;
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, box.top + box.height - 1, h - 1);
    const wy = fy - y0;
    for (let x = 0; x < size; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), box.width - 1) + box.left;
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, box.left + box.width - 1, w - 1);
      const wx = fx - x0;
      const ox = flip ? size - 1 - x : x;
      const o = outOffset + (y * size + ox) * c;
      for (let k = 0; k < c; k++) {
        const a = src[(y0 * w + x0) * c + k] * (1 - wx) + src[(y0 * w + x1) * c + k] * wx;
        const b = src[(y1 * w + x0) * c + k] * (1 - wx) + src[(y1 * w + x1) * c + k] * wx;
        out[o + k] = ((a * (1 - wy) + b * wy) / 255 - mean[k]) / std[k];
      }
    }
  }
}
