import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { missingImages, requireFile } from './problems.js';
import type { DatasetIndex, RawItem } from './types.js';

function readPairs(path: string): Map<string, string> {
  const out = new Map<string, string>();
  readFileSync(path, 'utf8').split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const f = line.trim().split(/\s+/);
    if (f.length !== 2) throw new Error(`${path}: line ${i + 1} is not "id value": ${JSON.stringify(line)}`);
    out.set(f[0], f[1]);
  });
  return out;
}

/** CUB-200-2011 from `images.txt` + `image_class_labels.txt`: classes 1–100 train, 101–200 test. */
export function indexCub(root: string): DatasetIndex {
  const dir = requireFile(join(root, 'images.txt'), []) ? root : join(root, 'CUB_200_2011');
  const problems: string[] = [];
  const splits: Record<string, RawItem[]> = { train: [], test: [] };
  const imagesFile = join(dir, 'images.txt');
  const labelsFile = join(dir, 'image_class_labels.txt');
  if (requireFile(imagesFile, problems) && requireFile(labelsFile, problems)) {
    const labels = readPairs(labelsFile);
    for (const [id, rel] of readPairs(imagesFile)) {
      const classId = Number(labels.get(id));
      if (!Number.isInteger(classId)) {
        problems.push(`${labelsFile}: no class for image ${id}`);
        continue;
      }
      splits[classId <= 100 ? 'train' : 'test'].push({ path: join(dir, 'images', rel), classId });
    }
    for (const items of Object.values(splits)) missingImages(items.map((it) => it.path!), problems);
  }
  return { name: 'cub', splits, trainSplit: 'train', problems };
}
