import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, isAbsolute, join } from 'node:path';
import { missingImages } from './problems.js';
import type { DatasetIndex, RawItem } from './types.js';

const IMAGE_EXT = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif', '.tif', '.tiff', '.bmp']);

/** one sub-folder per class, classes in sorted order (as torchvision's ImageFolder) */
function scan(dir: string): RawItem[] {
  const items: RawItem[] = [];
  for (const cls of readdirSync(dir).sort()) {
    const sub = join(dir, cls);
    if (!statSync(sub).isDirectory()) continue;
    for (const f of readdirSync(sub).sort()) {
      if (IMAGE_EXT.has(extname(f).toLowerCase())) items.push({ path: join(sub, f), classId: cls });
    }
  }
  return items;
}

/** a list file: one `relative/path class` per line (class defaults to the path's folder) */
function readList(file: string, dir: string): RawItem[] {
  return readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '').map((line) => {
    const [rel, cls] = line.trim().split(/\s+/);
    const path = isAbsolute(rel) ? rel : join(dir, rel);
    return { path, classId: cls ?? rel.split('/').slice(-2)[0] };
  });
}

/**
 * `folder:PATH`: one sub-folder per class, all in split `train`. When `PATH/train.txt`,
 * `PATH/test.txt` (… any `*.txt`) list files exist, each becomes a split of that name instead.
 */
export function indexFolder(dir: string): DatasetIndex {
  const problems: string[] = [];
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    return { name: `folder:${dir}`, splits: { train: [] }, trainSplit: 'train', problems: [`missing folder: ${dir}`] };
  }
  const lists = readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();
  const splits: Record<string, RawItem[]> = {};
  if (lists.length === 0) splits.train = scan(dir);
  for (const f of lists) splits[f.slice(0, -4)] = readList(join(dir, f), dir);
  for (const items of Object.values(splits)) missingImages(items.map((it) => it.path!), problems);
  if (Object.values(splits).every((s) => s.length === 0)) problems.push(`no images in ${dir} (expected one sub-folder of images per class)`);
  const trainSplit = 'train' in splits ? 'train' : Object.keys(splits)[0];
  return { name: `folder:${dir}`, splits, trainSplit, problems };
}
