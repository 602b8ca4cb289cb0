import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { packIR, RecordWriter, writeFileAtomic } from '../files/index.js';
import { INSIGHTFACE_FILES } from './insightface.js';

export interface InsightfaceImages {
  /** the dense class of each image, grouped by class in ascending order: 0 … 0, 1 … 1, … */
  labels: ArrayLike<number>;
  /** the images' size (what `property` says) */
  h: number;
  w: number;
  /** the encoded bytes (JPEG or PNG) of image i */
  image: (i: number) => Promise<Uint8Array>;
  /** called after each image is written */
  onImage?: (done: number, total: number) => void;
  /** images encoding at once (sharp's threads) */
  ahead?: number;
}

/**
 * Writes `dir/train.rec`, `train.idx` and `property` in insightface's layout: record 0 has labels
 * (N + 1, N + 1 + C); images are keys 1 … N (label = class as float, id = key); keys N + 1 … N + C
 * are one record per class with labels (first, end) of its image keys. All three files are written
 * under temporary names and renamed at the end; an error leaves nothing behind.
 */
export async function writeInsightface(dir: string, o: InsightfaceImages): Promise<{ classes: number; images: number }> {
  const n = o.labels.length;
  const ranges: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const c = o.labels[i];
    if (c === ranges.length) ranges.push([i + 1, i + 2]);
    else if (c === ranges.length - 1) ranges[c][1] = i + 2;
    else throw new Error(`writeInsightface: image ${i} has class ${c} after class ${ranges.length - 1}: classes must come grouped, 0, 1, 2, …`);
  }
  mkdirSync(dir, { recursive: true });
  const writer = new RecordWriter(join(dir, INSIGHTFACE_FILES.rec), join(dir, INSIGHTFACE_FILES.idx));
  try {
    const empty = new Uint8Array(0);
    writer.write(0, packIR([n + 1, n + 1 + ranges.length], empty));
    const ahead = o.ahead ?? 16;
    const pending: Promise<Uint8Array>[] = [];
    for (let i = 0, next = 0; i < n; i++) {
      while (next < n && next < i + ahead) {
        const p = o.image(next++);
        p.catch(() => undefined); // surfaced when awaited below
        pending.push(p);
      }
      writer.write(i + 1, packIR(o.labels[i], await pending.shift()!, BigInt(i + 1)));
      o.onImage?.(i + 1, n);
    }
    ranges.forEach((r, c) => writer.write(n + 1 + c, packIR(r, empty, BigInt(n + 1 + c))));
    writer.commit();
  } catch (err) {
    writer.abort();
    throw err;
  }
  writeFileAtomic(join(dir, INSIGHTFACE_FILES.property), `${ranges.length},${o.h},${o.w}`);
  return { classes: ranges.length, images: n };
}
