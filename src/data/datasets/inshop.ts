import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { missingImages, requireFile } from './problems.js';
import type { DatasetIndex, RawItem } from './types.js';

/** In-Shop lives in `root/Inshop/` (or `root` itself when it holds the list file). */
function inshopDir(root: string): string {
  return requireFile(join(root, 'list_eval_partition.txt'), []) ? root : join(root, 'Inshop');
}

/**
 * DeepFashion In-Shop: `list_eval_partition.txt` skips 2 lines (count, header), then
 * `image_name item_id evaluation_status`; splits train / query / gallery, labels are item ids.
 */
export function indexInshop(root: string): DatasetIndex {
  const dir = inshopDir(root);
  const problems: string[] = [];
  const splits: Record<string, RawItem[]> = { train: [], query: [], gallery: [] };
  const list = join(dir, 'list_eval_partition.txt');
  if (requireFile(list, problems)) {
    const lines = readFileSync(list, 'utf8').split(/\r?\n/);
    const declared = Number(lines[0]);
    const rows = lines.slice(2).filter((l) => l.trim() !== '');
    if (Number.isInteger(declared) && declared !== rows.length) {
      problems.push(`${list}: first line says ${declared} images but ${rows.length} are listed`);
    }
    rows.forEach((line, i) => {
      const [image, item, status] = line.trim().split(/\s+/);
      if (!status || !(status in splits)) {
        throw new Error(`${list}: line ${i + 3} is not "image_name item_id train|query|gallery": ${JSON.stringify(line)}`);
      }
      splits[status].push({ path: join(dir, image), classId: item });
    });
    for (const items of Object.values(splits)) missingImages(items.map((it) => it.path!), problems);
  }
  return { name: 'inshop', splits, trainSplit: 'train', problems };
}
