import { crc32 } from 'node:zlib';
import { Deflate } from 'fflate';
import type { WriteChunk } from './atomic.js';

/** A zip member given as consecutive pieces (e.g. an .npy header and the array's own bytes). */
export interface ZipInput {
  name: string;
  chunks: Uint8Array[];
}

/** deflate input slice: bounds fflate's working memory when compressing a large array */
const DEFLATE_SLICE = 1 << 24;
const MAX32 = 0xffffffff;
const DOS_DATE_1980 = (0 << 9) | (1 << 5) | 1; // fixed timestamp: the same arrays give the same bytes

function deflated(chunks: Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  const deflate = new Deflate({ level: 6 }, (data) => { out.push(data); });
  for (const chunk of chunks) {
    for (let off = 0; off < chunk.length; off += DEFLATE_SLICE) deflate.push(chunk.subarray(off, off + DEFLATE_SLICE));
  }
  deflate.push(new Uint8Array(0), true);
  return out;
}

function header(fields: [number, 2 | 4][], name: Uint8Array): Uint8Array {
  const fixed = fields.reduce((n, [, w]) => n + w, 0);
  const bytes = new Uint8Array(fixed + name.length);
  const view = new DataView(bytes.buffer);
  let at = 0;
  for (const [value, width] of fields) {
    if (width === 2) view.setUint16(at, value, true);
    else view.setUint32(at, value, true);
    at += width;
  }
  bytes.set(name, fixed);
  return bytes;
}

/**
 * Writes a zip archive (stored, or deflated with fflate) member by member through `write`, without
 * joining a member's pieces: a stored 600 MB array goes to disk from its own buffer. The CRC is
 * node's native zlib.crc32 (fflate's JavaScript one is about 6× slower on large arrays). Members and
 * the archive must stay under 4 GiB (no zip64), which numpy reads as it reads any zip.
 */
export function writeZip(write: WriteChunk, members: ZipInput[], opts: { compress: boolean; archiveName: string }): void {
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const m of members) {
    const name = new TextEncoder().encode(m.name);
    const size = m.chunks.reduce((n, c) => n + c.length, 0);
    // (node's crc32 returns 0, not the running value, for an empty view of an empty buffer)
    const crc = m.chunks.reduce((c, chunk) => (chunk.length ? crc32(chunk, c) : c), 0);
    const method = opts.compress ? 8 : 0;
    const data = opts.compress ? deflated(m.chunks) : m.chunks;
    const compressedSize = data.reduce((n, c) => n + c.length, 0);
    if (size > MAX32 || offset + compressedSize > MAX32) {
      throw new Error(`${opts.archiveName}: member ${m.name} would pass 4 GiB, which needs zip64 (not supported)`);
    }
    const flags = /^[\x20-\x7e]*$/.test(m.name) ? 0 : 0x800; // bit 11: UTF-8 name
    const common: [number, 2 | 4][] = [
      [20, 2], [flags, 2], [method, 2], [0, 2], [DOS_DATE_1980, 2], [crc, 4], [compressedSize, 4], [size, 4], [name.length, 2], [0, 2],
    ];
    const local = header([[0x04034b50, 4], ...common], name);
    central.push(header([[0x02014b50, 4], [20, 2], ...common, [0, 2], [0, 2], [0, 2], [0, 4], [offset, 4]], name));
    write(local);
    data.forEach(write);
    offset += local.length + compressedSize;
  }
  const dirSize = central.reduce((n, c) => n + c.length, 0);
  central.forEach(write);
  write(header([[0x06054b50, 4], [0, 2], [0, 2], [members.length, 2], [members.length, 2], [dirSize, 4], [offset, 4], [0, 2]], new Uint8Array(0)));
}
