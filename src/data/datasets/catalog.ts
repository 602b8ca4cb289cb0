import { resolve } from 'node:path';
import { indexCars } from './cars.js';
import { indexCub } from './cub.js';
import { indexFashionMnist } from './fashion-mnist.js';
import { indexFolder } from './folder.js';
import { indexGlyphs } from './glyphs.js';
import { indexInshop } from './inshop.js';
import { indexInsightface } from './insightface.js';
import { indexSop } from './sop.js';
import type { DatasetIndex } from './types.js';
import type { ImageNormalization } from '../images/normalization.js';

export const DATASET_NAMES = ['sop', 'inshop', 'cub', 'cars', 'fashion-mnist', 'glyphs', 'folder:PATH', 'insightface:DIR'];

/** Indexes a dataset by its spec (`sop`, `inshop`, `cub`, `cars`, `fashion-mnist`, `glyphs`, `folder:PATH`, `insightface:DIR`). */
export function indexDataset(spec: string, root: string | undefined): DatasetIndex {
  if (spec.startsWith('folder:')) return indexFolder(resolve(spec.slice('folder:'.length)));
  if (spec.startsWith('insightface:')) return indexInsightface(resolve(spec.slice('insightface:'.length)));
  if (spec === 'fashion-mnist') return indexFashionMnist(root && resolve(root));
  if (!root) throw new Error(`dataset ${spec}: --root DIR is required`);
  const dir = resolve(root);
  switch (spec) {
    case 'sop': return indexSop(dir);
    case 'inshop': return indexInshop(dir);
    case 'cub': return indexCub(dir);
    case 'cars': return indexCars(dir);
    case 'glyphs': return indexGlyphs(dir);
    default: throw new Error(`unknown dataset "${spec}": expected one of ${DATASET_NAMES.join(', ')}`);
  }
}

/**
 * How a dataset's images reach facet's networks (what a verification set or an exported model must
 * feed a model trained on it): grey in-memory sets and insightface's aligned faces are scaled to
 * [−1, 1], image files ImageNet-normalised; features (`features:PATH`) are not images (undefined).
 */
export function datasetNormalization(spec: string): ImageNormalization | undefined {
  if (spec.startsWith('features:')) return undefined;
  return spec === 'fashion-mnist' || spec === 'glyphs' || spec.startsWith('insightface:') ? 'unit' : 'imagenet';
}
