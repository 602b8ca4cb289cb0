import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { openFileAtomic, type AtomicFile } from './atomic.js';

/**
 * MXNet / dmlc-core RecordIO framing. A record is uint32 magic, uint32 lrecord (upper 3 bits the
 * continuation flag, lower 29 the length), then the payload padded to 4 bytes, little-endian. A
 * payload holding the magic at a 4-aligned offset is split there into parts flagged 1 (first),
 * 2 (middle), 3 (last); the magic itself is dropped and the reader puts it back between parts.
 */
export const RECORDIO_MAGIC = 0xced7230a;
const MAX_LENGTH = 2 ** 29 - 1;

const align4 = (n: number) => (n + 3) & ~3;

function partHeader(cflag: number, length: number): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt32LE(RECORDIO_MAGIC, 0);
  h.writeUInt32LE(((cflag << 29) | length) >>> 0, 4);
  return h;
}

/** The framed bytes of one record, split where dmlc's RecordIOWriter splits it. */
export function frameRecord(payload: Uint8Array): Buffer {
  if (payload.length > MAX_LENGTH) throw new Error(`RecordIO record of ${payload.length} bytes: at most ${MAX_LENGTH}`);
  const parts: Uint8Array[] = [];
  const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  let start = 0;
  for (let i = 0; i + 4 <= payload.length; i += 4) {
    if (bytes.readUInt32LE(i) !== RECORDIO_MAGIC) continue;
    parts.push(partHeader(start === 0 ? 1 : 2, i - start), bytes.subarray(start, i));
    start = i + 4;
  }
  parts.push(partHeader(start === 0 ? 0 : 3, payload.length - start), bytes.subarray(start));
  parts.push(Buffer.alloc(align4(payload.length) - payload.length));
  return Buffer.concat(parts);
}

/** One `.idx` line: the record's key and the byte offset where it starts in the `.rec`. */
export interface IdxEntry {
  key: number;
  offset: number;
}

/** Reads an MXNet `.idx` file: lines `key\toffset`, in file order. */
export function readRecordIdx(path: string): IdxEntry[] {
  const entries: IdxEntry[] = [];
  readFileSync(path, 'utf8').split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const m = /^\s*(\d+)\s+(\d+)\s*$/.exec(line);
    if (!m) throw new Error(`${path}: line ${i + 1}: expected "key<TAB>offset", got "${line.slice(0, 60)}"`);
    entries.push({ key: Number(m[1]), offset: Number(m[2]) });
  });
  return entries;
}

/** A `.rec` file opened for reading records at the offsets its `.idx` gives. */
export class RecordFile {
  private readonly fd: number;
  readonly size: number;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'r');
    this.size = fstatSync(this.fd).size;
  }

  close(): void {
    closeSync(this.fd);
  }

  private bytes(at: number, n: number): Buffer {
    const b = Buffer.alloc(n);
    let got = 0;
    while (got < n) {
      const r = readSync(this.fd, b, got, n - got, at + got);
      if (r === 0) break;
      got += r;
    }
    return got === n ? b : b.subarray(0, got);
  }

  /** the part at `at`: flag, length and where its payload starts; errors name the record */
  private part(at: number, key: number, offset: number): { cflag: number; length: number; data: number } {
    const where = `${this.path}: record ${key} at offset ${offset}`;
    if (at + 8 > this.size) throw new Error(`${where}: ${at >= this.size ? 'offset is past' : 'header runs past'} the end of the file (${this.size} bytes)`);
    const h = this.bytes(at, 8);
    const magic = h.readUInt32LE(0);
    if (magic !== RECORDIO_MAGIC) throw new Error(`${where}: bad magic 0x${magic.toString(16).padStart(8, '0')} at byte ${at} (expected 0x${RECORDIO_MAGIC.toString(16)})`);
    const lrec = h.readUInt32LE(4);
    const length = lrec & MAX_LENGTH;
    if (at + 8 + length > this.size) throw new Error(`${where}: truncated: ${length} bytes of data at byte ${at + 8} run past the end of the file (${this.size} bytes)`);
    return { cflag: lrec >>> 29, length, data: at + 8 };
  }

  /** The whole payload of the record starting at `offset`, its parts joined as dmlc's RecordIOReader joins them. */
  read(offset: number, key: number): Buffer {
    const chunks: Buffer[] = [];
    let at = offset;
    for (let first = true; ; first = false) {
      const { cflag, length, data } = this.part(at, key, offset);
      const expected = first ? cflag === 0 || cflag === 1 : cflag === 2 || cflag === 3;
      if (!expected) throw new Error(`${this.path}: record ${key} at offset ${offset}: continuation flag ${cflag} at byte ${at} ${first ? 'starts a record' : 'inside a split record'}`);
      chunks.push(this.bytes(data, length));
      at = data + align4(length);
      if (cflag === 0 || cflag === 3) return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      chunks.push(partHeader(0, 0).subarray(0, 4));
    }
  }

  /**
   * At least the first `n` bytes of the record at `offset` (all of it when shorter), reading no
   * more than that from an unsplit record: labels without the images.
   */
  head(offset: number, key: number, n: number): Buffer {
    // one read for the common case (an unsplit record); anything else takes the checked path
    const b = this.bytes(offset, 8 + n);
    if (b.length >= 8 && b.readUInt32LE(0) === RECORDIO_MAGIC) {
      const lrec = b.readUInt32LE(4);
      const length = lrec & MAX_LENGTH;
      if (lrec >>> 29 === 0 && offset + 8 + length <= this.size) return b.subarray(8, 8 + Math.min(n, length));
    }
    const { cflag, length, data } = this.part(offset, key, offset);
    if (cflag === 1 && length >= n) return this.bytes(data, n);
    return this.read(offset, key);
  }
}

/**
 * Writes an indexed RecordIO pair (`.rec` + `.idx`, as MXIndexedRecordIO) under temporary names;
 * `commit` renames both into place, `abort` removes them.
 */
export class RecordWriter {
  private readonly rec: AtomicFile;
  private readonly idx: AtomicFile;

  constructor(recPath: string, idxPath: string) {
    this.rec = openFileAtomic(recPath);
    try {
      this.idx = openFileAtomic(idxPath);
    } catch (err) {
      this.rec.abort();
      throw err;
    }
  }

  write(key: number, payload: Uint8Array): void {
    this.idx.write(`${key}\t${this.rec.bytes}\n`);
    this.rec.write(frameRecord(payload));
  }

  commit(): void {
    this.rec.commit();
    this.idx.commit();
  }

  abort(): void {
    this.rec.abort();
    this.idx.abort();
  }
}
