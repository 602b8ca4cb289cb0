import { faceJpeg } from '../images/encode.js';
import { indexDataset } from './catalog.js';
import { writeInsightface } from './insightface-write.js';
import { problemsError } from './problems.js';

export interface PackOptions {
  out: string;
  /** the faces' side: images of another size (or not JPEG) are resized, centre-cropped, re-encoded */
  size: number;
  /** the split to pack (default: the dataset's training split) */
  split?: string;
  root?: string;
  onImage?: (done: number, total: number) => void;
}

/**
 * `facet data pack`: an image-file dataset (a `folder:PATH` of class sub-folders, or its list
 * files) as insightface's `train.rec` / `train.idx` / `property`. Images are grouped by class, the
 * classes in their order of first appearance, labelled 0 … C − 1.
 */
export async function packInsightface(spec: string, o: PackOptions): Promise<{ out: string; classes: number; images: number; reencoded: number; size: number }> {
  const index = indexDataset(spec, o.root);
  if (index.problems.length > 0) throw problemsError(index.name, o.root ?? spec, index.problems);
  const split = o.split ?? index.trainSplit;
  const items = index.splits[split];
  if (!items) throw new Error(`${index.name}: no split "${split}"; it has ${Object.keys(index.splits).join(', ')}`);
  if (items.length === 0) throw new Error(`${index.name}/${split}: no images to pack`);
  if (items.some((it) => !it.path)) throw new Error(`${index.name}: facet data pack packs image files (folder:PATH); this dataset holds no image files`);
  const byClass = new Map<string | number, string[]>();
  for (const it of items) {
    if (!byClass.has(it.classId)) byClass.set(it.classId, []);
    byClass.get(it.classId)!.push(it.path!);
  }
  const paths = [...byClass.values()].flat();
  const labels = Int32Array.from([...byClass.values()].flatMap((ps, c) => ps.map(() => c)));
  let reencoded = 0;
  const image = async (i: number) => {
    const f = await faceJpeg(paths[i], o.size);
    if (f.reencoded) reencoded++;
    return f.bytes;
  };
  const r = await writeInsightface(o.out, { labels, h: o.size, w: o.size, image, onImage: o.onImage });
  return { out: o.out, ...r, reencoded, size: o.size };
}
