import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIdx } from './idx.js';
import type { DatasetIndex, RawItem } from './types.js';

/** Where Debian's `dataset-fashion-mnist` package puts the idx files. */
export const DEBIAN_FASHION_MNIST = '/usr/share/datasets/fashion-mnist';

const FILES = {
  train: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
  test: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
} as const;

/** the file as given, or gzipped */
function findIdx(dir: string, base: string): string | undefined {
  return [join(dir, base), join(dir, `${base}.gz`)].find((p) => existsSync(p));
}

/** Fashion-MNIST from idx files (gzipped or not) in `root`, or Debian's copy when `root` is empty. */
export function indexFashionMnist(root: string | undefined): DatasetIndex {
  const dir = root || DEBIAN_FASHION_MNIST;
  const problems: string[] = [];
  const splits: Record<string, RawItem[]> = { train: [], test: [] };
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const split of ['train', 'test'] as const) {
    const [imgBase, lblBase] = FILES[split];
    const imgFile = findIdx(dir, imgBase);
    const lblFile = findIdx(dir, lblBase);
    if (!imgFile || !lblFile) {
      for (const [f, b] of [[imgFile, imgBase], [lblFile, lblBase]]) if (!f) problems.push(`missing file: ${join(dir, b!)}(.gz)`);
      continue;
    }
    const img = parseIdx(readFileSync(imgFile), imgFile);
    const lbl = parseIdx(readFileSync(lblFile), lblFile);
    if (img.dims.length !== 3 || img.dims[1] !== 28 || img.dims[2] !== 28) throw new Error(`${imgFile}: expected n × 28 × 28 images, got ${img.dims.join('×')}`);
    if (lbl.dims.length !== 1 || lbl.dims[0] !== img.dims[0]) throw new Error(`${lblFile}: ${lbl.dims.join('×')} labels for ${img.dims[0]} images`);
    lbl.data.forEach((classId, i) => splits[split].push({ index: offset + i, classId }));
    offset += img.dims[0];
    parts.push(img.data);
  }
  const data = new Uint8Array(offset * 28 * 28);
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.length;
  }
  return { name: 'fashion-mnist', splits, trainSplit: 'train', pixels: { data, h: 28, w: 28, c: 1 }, problems };
}
