import { decodeAligned, decodeResized } from '../images/decode.js';
import { itemSeed, REFERENCE_SIZES, transformAligned, transformRgb, type TransformSizes } from '../images/transform.js';
import { indexDataset } from './catalog.js';
import { readRecordImages } from './insightface.js';
import { problemsError } from './problems.js';
import { carveValidation } from './validation.js';
import type { Batch, Dataset, DatasetIndex, DatasetItem, RawItem } from './types.js';

export interface OpenOptions {
  /** dataset folder (optional for fashion-mnist: Debian's copy) */
  root?: string;
  /** a split the dataset names (SOP train/test, In-Shop train/query/gallery, …), or `fit` / `val` */
  split: string;
  /** seeds the validation classes and augmentation; 0 by default */
  seed?: number;
  /** fraction of the training classes held out as `val` (and left out of `fit`); 0.1 by default */
  valFraction?: number;
  /** image files: resize then crop (reference 256 / 224); RecordIO faces are used at their stored size */
  sizes?: TransformSizes;
}

/** the items of the chosen split; `fit` and `val` are the class-disjoint halves of the training split */
function pickSplit(index: DatasetIndex, o: OpenOptions): RawItem[] {
  if (o.split === 'fit' || o.split === 'val') {
    const parts = carveValidation(index.splits[index.trainSplit], o.valFraction ?? 0.1, o.seed ?? 0);
    return o.split === 'fit' ? parts.fit : parts.val;
  }
  const items = index.splits[o.split];
  if (!items) throw new Error(`${index.name}: no split "${o.split}"; it has ${[...Object.keys(index.splits), 'fit', 'val'].join(', ')}`);
  return items;
}

/**
 * Opens one split of a dataset for training or evaluation. The dataset checks itself first: any
 * missing file or listed-but-absent image gives one error listing them, before any epoch starts.
 * Labels are dense (0 … classes − 1) in order of first appearance; `classIds` maps them back.
 */
export function openDataset(spec: string, o: OpenOptions): Dataset {
  const index = indexDataset(spec, o.root);
  if (index.problems.length > 0) throw problemsError(index.name, o.root ?? spec, index.problems);
  const raw = pickSplit(index, o);
  const dense = new Map<string | number, number>();
  const items: DatasetItem[] = raw.map((it) => {
    if (!dense.has(it.classId)) dense.set(it.classId, dense.size);
    return { path: it.path, index: it.index, record: it.record, label: dense.get(it.classId)! };
  });
  const seed = o.seed ?? 0;
  const sizes = o.sizes ?? REFERENCE_SIZES;
  const { pixels, records } = index;
  const imageShape: [number, number, number] = pixels ? [pixels.h, pixels.w, pixels.c] : records ? [records.h, records.w, 3] : [sizes.crop, sizes.crop, 3];
  const per = imageShape[0] * imageShape[1] * imageShape[2];

  const load = async (indices: ArrayLike<number>, opts: { train: boolean; epoch?: number }): Promise<Batch> => {
    const n = indices.length;
    const x = new Float32Array(n * per);
    const labels = new Int32Array(n);
    const work: Promise<void>[] = [];
    const picked = Array.from(indices, (i) => {
      if (!items[i]) throw new Error(`${index.name}/${o.split}: item ${i} out of range (${items.length} items)`);
      return items[i];
    });
    // records are read here (small synchronous reads), decoded in sharp's threads
    const encoded = records ? readRecordImages(records.file, picked.map((it) => it.record!)) : undefined;
    for (let b = 0; b < n; b++) {
      const i = indices[b];
      const item = picked[b];
      labels[b] = item.label;
      if (pixels) {
        // in-memory grey sets are small and already aligned: scale to [−1, 1], no augmentation
        const src = pixels.data.subarray(item.index! * per, (item.index! + 1) * per);
        for (let k = 0; k < per; k++) x[b * per + k] = src[k] / 127.5 - 1;
      } else if (records) {
        const where = `${records.file}: record ${item.record!.key}`;
        work.push(decodeAligned(encoded![b], records.h, records.w, where).then((img) => transformAligned(img, records.h, records.w, opts.train, itemSeed(seed, opts.epoch ?? 0, i), x, b * per)));
      } else {
        work.push(decodeResized(item.path!, sizes.resize).then((img) => transformRgb(img, sizes, opts.train, itemSeed(seed, opts.epoch ?? 0, i), x, b * per)));
      }
    }
    await Promise.all(work);
    return { x, shape: [n, ...imageShape], labels };
  };

  return { name: index.name, split: o.split, classes: dense.size, classIds: [...dense.keys()], items, imageShape, load };
}
