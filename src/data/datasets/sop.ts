import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { missingImages, requireFile } from './problems.js';
import type { DatasetIndex, RawItem } from './types.js';

/** SOP lives in `root/Stanford_Online_Products/` (or `root` itself when it holds the list files). */
export function sopDir(root: string): string {
  return requireFile(join(root, 'Ebay_train.txt'), []) ? root : join(root, 'Stanford_Online_Products');
}

/** `Ebay_*.txt`: one header line, then `image_id class_id super_class_id path`. */
export function parseEbayList(text: string, dir: string, file: string): RawItem[] {
  const lines = text.split(/\r?\n/).slice(1).filter((l) => l.trim() !== '');
  return lines.map((line, i) => {
    const f = line.trim().split(/\s+/);
    const classId = Number(f[1]);
    if (f.length !== 4 || !Number.isInteger(classId)) {
      throw new Error(`${file}: line ${i + 2} is not "image_id class_id super_class_id path": ${JSON.stringify(line)}`);
    }
    return { path: join(dir, f[3]), classId };
  });
}

/** Stanford Online Products: train classes 1–11,318, test classes 11,319–22,634 (reference §3.3). */
export function indexSop(root: string): DatasetIndex {
  const dir = sopDir(root);
  const problems: string[] = [];
  const splits: Record<string, RawItem[]> = {};
  for (const [split, file] of [['train', 'Ebay_train.txt'], ['test', 'Ebay_test.txt']] as const) {
    const p = join(dir, file);
    splits[split] = requireFile(p, problems) ? parseEbayList(readFileSync(p, 'utf8'), dir, p) : [];
    missingImages(splits[split].map((it) => it.path!), problems);
  }
  return { name: 'sop', splits, trainSplit: 'train', problems };
}
