import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { tempDir as newTempDir } from '../../helpers/temp.js';

export function tempDir(tag: string): string {
  return newTempDir(`facet-${tag}-`);
}

/** a tiny solid-colour PNG (the colour encodes `seed`, so images differ) */
export async function writePng(path: string, seed: number, w = 12, h = 10): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  await sharp({ create: { width: w, height: h, channels: 3, background: { r: (seed * 37) % 256, g: (seed * 91) % 256, b: (seed * 13) % 256 } } }).png().toFile(path);
}

export function writeText(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** SOP in its real layout: `Ebay_*.txt` with a header, classes 1–4 train, 5–6 test */
export async function makeSop(root: string): Promise<void> {
  const dir = join(root, 'Stanford_Online_Products');
  const rows = (ids: number[][]) => 'image_id class_id super_class_id path\n' + ids.map(([i, c]) => `${i} ${c} 1 bicycle_final/${c}_${i}.JPG`).join('\n') + '\n';
  const train = [[1, 1], [2, 1], [3, 2], [4, 2], [5, 3], [6, 3], [7, 4], [8, 4]];
  const test = [[9, 5], [10, 5], [11, 6], [12, 6]];
  writeText(join(dir, 'Ebay_train.txt'), rows(train));
  writeText(join(dir, 'Ebay_test.txt'), rows(test));
  for (const [i, c] of [...train, ...test]) await writePng(join(dir, 'bicycle_final', `${c}_${i}.JPG`), i);
}

/** In-Shop: count line, header line, then `image_name item_id evaluation_status` */
export async function makeInshop(root: string): Promise<void> {
  const dir = join(root, 'Inshop');
  const rows = [
    ['img/WOMEN/Dresses/id_00000002/02_1_front.jpg', 'id_00000002', 'train'],
    ['img/WOMEN/Dresses/id_00000002/02_2_side.jpg', 'id_00000002', 'train'],
    ['img/MEN/Tees/id_00000007/01_1_front.jpg', 'id_00000007', 'train'],
    ['img/WOMEN/Skirts/id_00000010/01_1_front.jpg', 'id_00000010', 'query'],
    ['img/WOMEN/Skirts/id_00000010/01_2_side.jpg', 'id_00000010', 'gallery'],
    ['img/MEN/Tees/id_00000011/01_1_front.jpg', 'id_00000011', 'gallery'],
  ];
  writeText(join(dir, 'list_eval_partition.txt'), `${rows.length}\nimage_name item_id evaluation_status\n` + rows.map((r) => r.join('        ')).join('\n') + '\n');
  for (const [i, [p]] of rows.entries()) await writePng(join(dir, p), i);
}

/** CUB: `images.txt` + `image_class_labels.txt`, classes 99–102 straddle the 100/101 boundary */
export async function makeCub(root: string): Promise<void> {
  const dir = join(root, 'CUB_200_2011');
  const imgs = [[1, 99], [2, 99], [3, 100], [4, 101], [5, 102], [6, 102]];
  writeText(join(dir, 'images.txt'), imgs.map(([i, c]) => `${i} ${c}.Bird/Bird_${i}.jpg`).join('\n') + '\n');
  writeText(join(dir, 'image_class_labels.txt'), imgs.map(([i, c]) => `${i} ${c}`).join('\n') + '\n');
  for (const [i, c] of imgs) await writePng(join(dir, 'images', `${c}.Bird`, `Bird_${i}.jpg`), i);
}

/** an image folder: one sub-folder per class */
export async function makeFolder(dir: string, classes: number, perClass: number): Promise<void> {
  for (let c = 0; c < classes; c++) for (let i = 0; i < perClass; i++) await writePng(join(dir, `class_${c}`, `img_${i}.png`), c * 10 + i, 20, 16);
}
