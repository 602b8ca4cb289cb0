import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkImageBytes } from '../images/decode.js';
import { irClass, irHeaderBytes, readRecordIdx, RecordFile, unpackIR } from '../files/index.js';
import { requireFile } from './problems.js';
import type { DatasetIndex, RawItem, RecordRef } from './types.js';

/** The files of an insightface (arcface_torch) training set, as `faces_emore/` and `ms1m-retinaface-t1/` hold them. */
export const INSIGHTFACE_FILES = { rec: 'train.rec', idx: 'train.idx', property: 'property' } as const;

/** insightface's `property` file: `num_classes,h,w`. */
export function readProperty(path: string): { classes: number; h: number; w: number } {
  const text = readFileSync(path, 'utf8').trim();
  const parts = text.split(',').map((s) => Number(s.trim()));
  if (parts.length !== 3 || !parts.every((v) => Number.isInteger(v) && v > 0)) {
    throw new Error(`${path}: expected "num_classes,h,w" (e.g. 85742,112,112), got "${text.slice(0, 60)}"`);
  }
  return { classes: parts[0], h: parts[1], w: parts[2] };
}

/** bytes read for an image record's header at indexing: the IRHeader with a few labels, never the image */
const HEAD_BYTES = 64;

/** the IRHeader of the record at `ref`, read without its image unless it has many labels */
function readHeader(rec: RecordFile, ref: RecordRef) {
  const where = `${rec.path}: record ${ref.key} at offset ${ref.offset}`;
  let b = rec.head(ref.offset, ref.key, HEAD_BYTES);
  if (b.length >= 4 && irHeaderBytes(b.readUInt32LE(0)) > b.length) b = rec.head(ref.offset, ref.key, irHeaderBytes(b.readUInt32LE(0)));
  return unpackIR(b, where).header;
}

/**
 * The image keys, as insightface's MXFaceDataset finds them: when record 0's header has labels
 * (flag > 0), the images are keys 1 … label[0] − 1 (keys label[0] … label[1] − 1 are per-identity
 * records); when its flag is 0, every key of the `.idx`.
 */
function imageKeys(rec: RecordFile, idxPath: string, offsets: Map<number, number>, order: number[]): number[] {
  const at0 = offsets.get(0);
  if (at0 === undefined) throw new Error(`${idxPath}: no record 0 (insightface's header record)`);
  const h0 = readHeader(rec, { key: 0, offset: at0 });
  if (h0.flag === 0) return order;
  const end = h0.labels[0];
  if (!Number.isInteger(end) || end < 1) throw new Error(`${rec.path}: record 0: label[0] = ${end} is not an image key range end (an integer ≥ 1)`);
  return Array.from({ length: end - 1 }, (_, i) => i + 1);
}

/**
 * `insightface:DIR`: `train.rec` + `train.idx` + `property` (MXNet RecordIO, the layout of
 * insightface's arcface_torch). One split, `train`; an image's class is its record's label.
 * Indexing reads each image record's header (a few dozen bytes), not its image; every record that
 * is missing, truncated or not RecordIO is a problem naming the file, the key and the offset.
 */
export function indexInsightface(dir: string): DatasetIndex {
  // training opens the set several times (fit, val, test): index it once while its files are unchanged
  const stamp = filesStamp(dir);
  if (stamp !== undefined && last?.dir === dir && last.stamp === stamp) return last.index;
  const index = indexFiles(dir);
  if (stamp !== undefined) last = { dir, stamp, index };
  return index;
}

let last: { dir: string; stamp: string; index: DatasetIndex } | undefined;

/** size and modification time of the three files, or undefined when one is missing */
function filesStamp(dir: string): string | undefined {
  const parts: string[] = [];
  for (const f of Object.values(INSIGHTFACE_FILES)) {
    const s = statSync(join(dir, f), { throwIfNoEntry: false });
    if (!s) return undefined;
    parts.push(`${s.size}:${s.mtimeMs}:${s.ino}`);
  }
  return parts.join('/');
}

function indexFiles(dir: string): DatasetIndex {
  const name = `insightface:${dir}`;
  const problems: string[] = [];
  const items: RawItem[] = [];
  const result = (records?: DatasetIndex['records']): DatasetIndex => ({ name, splits: { train: items }, trainSplit: 'train', records, problems });
  if (!existsSync(dir)) return { ...result(), problems: [`missing folder: ${dir}`] };
  const [recPath, idxPath, propPath] = [INSIGHTFACE_FILES.rec, INSIGHTFACE_FILES.idx, INSIGHTFACE_FILES.property].map((f) => join(dir, f));
  const present = [recPath, idxPath, propPath].map((p) => requireFile(p, problems));
  if (!present.every(Boolean)) return result();
  let property: ReturnType<typeof readProperty>;
  let rec: RecordFile | undefined;
  try {
    property = readProperty(propPath);
    const idx = readRecordIdx(idxPath);
    const offsets = new Map(idx.map((e) => [e.key, e.offset]));
    rec = new RecordFile(recPath);
    for (const key of imageKeys(rec, idxPath, offsets, idx.map((e) => e.key))) {
      const offset = offsets.get(key);
      if (offset === undefined) {
        problems.push(`${idxPath}: no record ${key} (an image key of ${recPath})`);
        continue;
      }
      try {
        items.push({ record: { key, offset }, classId: irClass(readHeader(rec, { key, offset })) });
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
  } catch (err) {
    problems.push((err as Error).message);
    return result();
  } finally {
    rec?.close();
  }
  const found = new Set(items.map((it) => it.classId)).size;
  if (found !== property.classes) problems.push(`${propPath}: says ${property.classes} classes, the image records of ${recPath} have ${found}`);
  return result({ file: recPath, h: property.h, w: property.w });
}

/** The image bytes (what follows the IRHeader) of records of `file`, in order. */
export function readRecordImages(file: string, refs: RecordRef[]): Buffer[] {
  const rec = new RecordFile(file);
  try {
    return refs.map((r) => unpackIR(rec.read(r.offset, r.key), `${file}: record ${r.key} at offset ${r.offset}`).data);
  } finally {
    rec.close();
  }
}

/** `facet data check`: the record's image header decodes, at the size `property` gives. */
export async function checkRecordImage(records: NonNullable<DatasetIndex['records']>, ref: RecordRef): Promise<void> {
  const [bytes] = readRecordImages(records.file, [ref]);
  await checkImageBytes(bytes, records.h, records.w, `${records.file}: record ${ref.key} at offset ${ref.offset}`);
}
