import { basename } from 'node:path';
import { readVerificationBin, type VerificationBin } from '../data/files/verification-bin.js';
import { decodeEncodedImages, pixelNormalizer, type ImageNormalization } from '../data/images/index.js';
import { evaluateVerification, type VerificationMetrics, type VerificationOptions, type VerificationPairs } from '../eval/verification.js';
import type { BatchEmbedder } from '../models/batch-embedder.js';
import { progress } from '../report/progress.js';

/** A decoded insightface .bin, ready to embed: n = 2 × pairs images at the model's input size. */
export interface VerificationSet {
  /** file name without .bin: lfw, cfp_fp, … */
  name: string;
  path: string;
  shape: [number, number, number];
  n: number;
  /** n × h × w × c uint8 */
  pixels: Uint8Array;
  pairs: VerificationPairs;
  /** images resized to the model's input size */
  resized: number;
}

/** Reads and decodes a .bin once, at the model's input size [h, w, c] (c = 1 grey or 3 RGB). */
export async function loadVerificationSet(path: string, inputShape: number[], read?: VerificationBin): Promise<VerificationSet> {
  const [h, w, c] = inputShape;
  if (inputShape.length !== 3 || (c !== 1 && c !== 3)) throw new Error(`${path}: verification needs an image model (grey or RGB), this one takes inputs of shape [${inputShape}]`);
  const bin = read ?? readVerificationBin(path);
  const numSame = bin.issame.filter(Boolean).length;
  if (numSame === 0 || numSame === bin.issame.length) throw new Error(`${path}: needs both same and different pairs (${numSame} of ${bin.issame.length} are same)`);
  const { pixels, resized } = await decodeEncodedImages(bin.images, h, w, c, (i) => `${path}: image ${i}`);
  const p = bin.issame.length;
  const pairs: VerificationPairs = {
    idx1: Int32Array.from({ length: p }, (_, i) => 2 * i),
    idx2: Int32Array.from({ length: p }, (_, i) => 2 * i + 1),
    same: Uint8Array.from(bin.issame, Number),
  };
  return { name: basename(path).replace(/\.bin$/, ''), path, shape: [h, w, c], n: bin.images.length, pixels, pairs, resized };
}

/**
 * Rows [from, from + count) as the model's input, scaled as the model trained (`normalization`:
 * pixelNormalizer, the training pipelines' own expressions). `flip` mirrors each image horizontally.
 */
export function modelInput(set: VerificationSet, from: number, count: number, flip: boolean, normalization: ImageNormalization): Float32Array {
  const [h, w, c] = set.shape;
  const out = new Float32Array(count * h * w * c);
  const norm = pixelNormalizer(normalization, c);
  for (let i = 0; i < count; i++) {
    const img = (from + i) * h * w * c;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const src = img + (y * w + (flip ? w - 1 - x : x)) * c;
        const dst = ((i * h + y) * w + x) * c;
        for (let k = 0; k < c; k++) out[dst + k] = norm(set.pixels[src + k], k);
      }
    }
  }
  return out;
}

/** Embeddings of every image of the set (optionally mirrored), batch by batch. */
async function embedSet(embedder: BatchEmbedder, set: VerificationSet, flip: boolean, batchSize: number, tick: (n: number) => void): Promise<Float32Array> {
  const d = embedder.embeddingDim;
  const out = new Float32Array(set.n * d);
  for (let i = 0; i < set.n; i += batchSize) {
    const rows = Math.min(batchSize, set.n - i);
    out.set(await embedder.embed(modelInput(set, i, rows, flip, embedder.imageNormalization ?? 'unit'), rows), i * d);
    tick(rows);
  }
  return out;
}

export interface SetVerification extends VerificationMetrics {
  /** with flip: accuracy of (embedding of the image + embedding of its mirror), L2-normalised */
  accuracyFlip?: number;
  stdFlip?: number;
}

/**
 * insightface's 10-fold accuracy and TAR@FAR of a .bin's pairs. With `flip`, also "Accuracy-Flip"
 * (insightface verification.py test()): each image's embedding plus its mirror's, L2-normalised.
 * facet's embedders give L2-normalised embeddings, so the two summed are each of unit length;
 * insightface sums the raw network outputs (the same when their norms are equal).
 */
export async function verifySet(
  embedder: BatchEmbedder, set: VerificationSet, o: VerificationOptions & { flip?: boolean; batchSize?: number } = {},
): Promise<SetVerification> {
  const batch = o.batchSize ?? 256;
  const bar = progress(`verify ${set.name}`, set.n * (o.flip ? 2 : 1), 'images');
  try {
    const e = await embedSet(embedder, set, false, batch, (n) => bar.tick(n));
    let m: SetVerification;
    try {
      m = evaluateVerification({ data: e, rows: set.n, cols: embedder.embeddingDim }, set.pairs, o);
    } catch (err) {
      throw new Error(`${set.path}: ${(err as Error).message}`);
    }
    if (o.flip) {
      const ef = await embedSet(embedder, set, true, batch, (n) => bar.tick(n));
      for (let i = 0; i < e.length; i++) ef[i] += e[i];
      // evaluateVerification L2-normalises the summed rows
      const f = evaluateVerification({ data: ef, rows: set.n, cols: embedder.embeddingDim }, set.pairs, o);
      m.accuracyFlip = f.accuracy;
      m.stdFlip = f.std;
    }
    return m;
  } finally {
    bar.stop();
  }
}
