import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readMat5, type MatValue } from './mat5.js';
import { missingImages, requireFile } from './problems.js';
import type { DatasetIndex, RawItem } from './types.js';

function field(el: Record<string, MatValue>, name: string, file: string, i: number): MatValue {
  const v = el[name];
  if (!v) throw new Error(`${file}: annotation ${i + 1} has no field "${name}"`);
  return v;
}

/** Cars-196 from `cars_annos.mat` (struct array `annotations`): classes 1–98 train, 99–196 test. */
export function indexCars(root: string): DatasetIndex {
  const dir = requireFile(join(root, 'cars_annos.mat'), []) ? root : join(root, 'Cars196');
  const problems: string[] = [];
  const splits: Record<string, RawItem[]> = { train: [], test: [] };
  const file = join(dir, 'cars_annos.mat');
  if (requireFile(file, problems)) {
    const annos = readMat5(readFileSync(file), file).annotations;
    if (!annos || annos.kind !== 'struct') throw new Error(`${file}: no struct array "annotations"`);
    annos.elements.forEach((el, i) => {
      const path = field(el, 'relative_im_path', file, i);
      const cls = field(el, 'class', file, i);
      if (path.kind !== 'char' || cls.kind !== 'numeric' || cls.data.length !== 1) {
        throw new Error(`${file}: annotation ${i + 1}: relative_im_path must be text and class one number`);
      }
      const classId = cls.data[0];
      splits[classId <= 98 ? 'train' : 'test'].push({ path: join(dir, path.text), classId });
    });
    for (const items of Object.values(splits)) missingImages(items.map((it) => it.path!), problems);
  }
  return { name: 'cars', splits, trainSplit: 'train', problems };
}
