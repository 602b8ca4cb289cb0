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

/** A dataset `--dataset` can name: how it is indexed, held and scaled. */
export interface DatasetKind {
  /** as the user writes it: `sop`, or a prefix with its argument, `folder:PATH` */
  name: string;
  /** the folder it is read from: `--root` for named sets, the spec's argument for `prefix:` sets (resolved) */
  index(dir: string | undefined): DatasetIndex;
  /** `memory`: small, decoded whole (grey sets); `files`: decoded batch by batch from disk */
  storage: 'memory' | 'files';
  /** how its pixels reach facet's networks (grey sets and aligned faces to [−1, 1], photos ImageNet-normalised) */
  normalization: ImageNormalization;
}

const needsRoot = (name: string, read: (dir: string) => DatasetIndex) => (dir: string | undefined) => {
  if (!dir) throw new Error(`dataset ${name}: --root DIR is required`);
  return read(dir);
};

/** Every dataset, one line each: a new dataset is its reader file plus one line here. */
export const DATASETS: DatasetKind[] = [
  { name: 'sop', index: needsRoot('sop', indexSop), storage: 'files', normalization: 'imagenet' },
  { name: 'inshop', index: needsRoot('inshop', indexInshop), storage: 'files', normalization: 'imagenet' },
  { name: 'cub', index: needsRoot('cub', indexCub), storage: 'files', normalization: 'imagenet' },
  { name: 'cars', index: needsRoot('cars', indexCars), storage: 'files', normalization: 'imagenet' },
  { name: 'fashion-mnist', index: (dir) => indexFashionMnist(dir), storage: 'memory', normalization: 'unit' },
  { name: 'glyphs', index: needsRoot('glyphs', indexGlyphs), storage: 'memory', normalization: 'unit' },
  { name: 'folder:PATH', index: (dir) => indexFolder(dir!), storage: 'files', normalization: 'imagenet' },
  { name: 'insightface:DIR', index: (dir) => indexInsightface(dir!), storage: 'files', normalization: 'unit' },
];

export const DATASET_NAMES = DATASETS.map((d) => d.name);

/** The prefix of a `prefix:ARG` kind (`folder:`), undefined for a named one. */
const prefixOf = (k: DatasetKind) => (k.name.includes(':') ? k.name.slice(0, k.name.indexOf(':') + 1) : undefined);

/** The kind a spec names (`sop`, `folder:photos/`), or undefined (features:PATH and unknown names are no dataset here). */
export function datasetKind(spec: string): DatasetKind | undefined {
  return DATASETS.find((k) => k.name === spec || (prefixOf(k) !== undefined && spec.startsWith(prefixOf(k)!)));
}

/** Indexes a dataset by its spec (a DATASETS name; `prefix:` kinds take their folder from the spec, others `root`). */
export function indexDataset(spec: string, root: string | undefined): DatasetIndex {
  const kind = datasetKind(spec);
  if (!kind) throw new Error(`unknown dataset "${spec}": expected one of ${DATASET_NAMES.join(', ')}`);
  const prefix = prefixOf(kind);
  const dir = prefix !== undefined ? spec.slice(prefix.length) : root;
  return kind.index(dir === undefined ? undefined : resolve(dir));
}

/**
 * How a dataset's images reach facet's networks (what a verification set or an exported model must
 * feed a model trained on it); features (`features:PATH`) are not images (undefined).
 */
export function datasetNormalization(spec: string): ImageNormalization | undefined {
  return datasetKind(spec)?.normalization;
}
