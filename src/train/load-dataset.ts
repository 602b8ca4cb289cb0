import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { readFeatures, readLabels } from '../data/files/index.js';
import type { Samples } from './samples.js';

export const fashionMnistDir = process.env.FACET_FASHION_MNIST ?? '/usr/share/datasets/fashion-mnist';

/** Reads an IDX file (optionally gzipped): the MNIST / Fashion-MNIST format. */
function readIdx(path: string): { dims: number[]; data: Uint8Array } {
  if (!existsSync(path)) throw new Error(`${path}: not found (Debian package dataset-fashion-mnist, or set FACET_FASHION_MNIST)`);
  const raw = readFileSync(path);
  const b: Buffer = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
  if (b[0] !== 0 || b[1] !== 0 || b[2] !== 0x08) throw new Error(`${path}: not an unsigned-byte IDX file`);
  const dims = Array.from({ length: b[3] }, (_, i) => b.readUInt32BE(4 + 4 * i));
  const data = new Uint8Array(b.buffer, b.byteOffset + 4 + 4 * dims.length, dims.reduce((a, c) => a * c, 1));
  return { dims, data };
}

function fashionMnist(split: 'train' | 't10k'): Samples {
  const img = readIdx(join(fashionMnistDir, `${split}-images-idx3-ubyte.gz`));
  const lab = readIdx(join(fashionMnistDir, `${split}-labels-idx1-ubyte.gz`));
  const [n, h, w] = img.dims;
  // pixels to [0, 1], then the dataset's mean/std (0.2860, 0.3530)
  const x = Float32Array.from(img.data, (v) => (v / 255 - 0.286) / 0.353);
  return { x, n, sampleShape: [h, w, 1], labels: Int32Array.from(lab.data) };
}

function features(featuresPath: string, labelsPath: string | undefined): Samples {
  if (!labelsPath) throw new Error(`--dataset features:${featuresPath} needs --labels FILE`);
  const m = readFeatures(featuresPath);
  const labels = readLabels(labelsPath);
  if (labels.length !== m.rows) throw new Error(`--labels ${labelsPath}: ${labels.length} labels for ${m.rows} feature rows in ${featuresPath}`);
  return { x: m.data, n: m.rows, sampleShape: [m.cols], labels };
}

/**
 * Training and (when the dataset has one) test samples for `facet train --dataset`. Image datasets
 * other than Fashion-MNIST need the dataset loaders of src/data; until they are wired here, use
 * precomputed features.
 */
export function loadTrainingData(dataset: string, o: { labels?: string; testFeatures?: string; testLabels?: string }): { train: Samples; test?: Samples } {
  if (dataset === 'fashion-mnist') return { train: fashionMnist('train'), test: fashionMnist('t10k') };
  if (dataset.startsWith('features:')) {
    const train = features(dataset.slice('features:'.length), o.labels);
    const test = o.testFeatures ? features(o.testFeatures, o.testLabels ?? (() => { throw new Error('--test-features needs --test-labels'); })()) : undefined;
    return { train, test };
  }
  throw new Error(`--dataset: unknown or not yet available "${dataset}"; use fashion-mnist or features:PATH (with --labels)`);
}

/** The first `limit` samples (quick runs). */
export function limitSamples(s: Samples, limit: number | undefined): Samples {
  if (limit === undefined || limit >= s.n) return s;
  const per = s.x.length / s.n;
  return { x: s.x.subarray(0, limit * per), n: limit, sampleShape: s.sampleShape, labels: s.labels.subarray(0, limit) };
}
