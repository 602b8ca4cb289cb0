import { join } from 'node:path';
import { readNpz } from '../files/index.js';
import { requireFile } from './problems.js';
import type { DatasetIndex, RawItem } from './types.js';

/** the benchmark file `facet data glyphs` writes */
export const GLYPHS_FILE = 'glyphs.npz';

/**
 * The glyph benchmark: `images` (n × h × w uint8) and `labels` (n int32, classes 0 … C − 1).
 * SOP-style split: the first half of the classes train, the second half test (Recall@K).
 */
export function indexGlyphs(root: string): DatasetIndex {
  const file = join(root, GLYPHS_FILE);
  const problems: string[] = [];
  const splits: Record<string, RawItem[]> = { train: [], test: [] };
  if (!requireFile(file, problems)) return { name: 'glyphs', splits, trainSplit: 'train', problems };
  const { images, labels } = readNpz(file);
  if (!images || images.dtype !== 'uint8' || images.shape.length !== 3) throw new Error(`${file}: needs "images", uint8 n × h × w`);
  if (!labels || labels.shape.length !== 1 || labels.shape[0] !== images.shape[0]) throw new Error(`${file}: needs "labels", one per image`);
  let classes = 0;
  for (const l of labels.data) classes = Math.max(classes, Number(l) + 1);
  const half = Math.floor(classes / 2);
  labels.data.forEach((l: number | bigint, i: number) => splits[Number(l) < half ? 'train' : 'test'].push({ index: i, classId: Number(l) }));
  const [, h, w] = images.shape;
  return { name: 'glyphs', splits, trainSplit: 'train', pixels: { data: images.data as Uint8Array, h, w, c: 1 }, problems };
}
