import { closeSync, fstatSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { inflateSync } from 'fflate';
import { writeFileAtomicWith } from './atomic.js';
import { parseNpy, readNpyAt, serializeNpy } from './npy.js';
import { allocForRead, openForReading, readInto } from './read-into.js';
import { listZipMembers, memberDataOffset, type ZipMember } from './zip-read.js';
import { writeZip } from './zip-write.js';
import type { NdArray } from './ndarray.js';

function checkCrc(bytes: Uint8Array, m: ZipMember, name: string): void {
  if (crc32(bytes) !== m.crc) throw new Error(`${name}: damaged (CRC mismatch)`);
}

/** deflate expands at most ~1032:1, so a larger stated size is a damaged directory (and would be a huge allocation) */
const MAX_DEFLATE_RATIO = 1032;

function readMember(fd: number, m: ZipMember, fileSize: number, name: string): NdArray {
  const start = memberDataOffset(fd, m, name);
  if (start + m.compressedSize > fileSize) throw new Error(`${name}: damaged zip entry (its data runs past the end of the file: truncated?)`);
  if (m.method === 8 && m.size > m.compressedSize * MAX_DEFLATE_RATIO + 1024) throw new Error(`${name}: damaged zip entry (impossible uncompressed size ${m.size})`);
  if (m.method === 0) {
    if (m.size !== m.compressedSize) throw new Error(`${name}: damaged zip entry (stored sizes differ)`);
    // stored: the array goes from disk into its final buffer. Its CRC is not checked (a second pass over
    // hundreds of MB); truncation is still caught by the zip directory and the header's size.
    return readNpyAt(fd, start, m.size, name);
  }
  if (m.method !== 8) throw new Error(`${name}: zip compression method ${m.method} is not supported (numpy writes stored or deflated)`);
  const compressed = new Uint8Array(m.compressedSize);
  readInto(fd, compressed, start, name);
  const out = new Uint8Array(allocForRead(m.size));
  let got: Uint8Array;
  try {
    got = inflateSync(compressed, { out });
  } catch (err) {
    throw new Error(`${name}: damaged compressed data (${(err as Error).message})`);
  }
  if (got.length !== m.size) throw new Error(`${name}: damaged compressed data (${got.length} of ${m.size} bytes)`);
  checkCrc(out, m, name);
  return parseNpy(out, name);
}

/**
 * Reads every array of an .npz (numpy's zip of .npy members, stored or deflated). Only the zip
 * directory and each member are read, never the whole archive at once: a stored member lands straight
 * in its final typed array, a deflated one needs its compressed bytes beside it while inflating.
 */
export function readNpz(path: string): Record<string, NdArray> {
  const fd = openForReading(path);
  try {
    const size = fstatSync(fd).size;
    const members = listZipMembers(fd, size, path);
    const out: Record<string, NdArray> = {};
    for (const m of members) {
      if (m.name.endsWith('.npy')) out[m.name.slice(0, -4)] = readMember(fd, m, size, `${path}[${m.name}]`);
    }
    if (Object.keys(out).length === 0) throw new Error(`${path}: the .npz holds no .npy arrays`);
    return out;
  } finally {
    closeSync(fd);
  }
}

/** Writes an .npz like np.savez (stored) or np.savez_compressed (`compress: true`), atomically, streaming each array to disk. */
export function writeNpz(path: string, arrays: Record<string, NdArray>, opts: { compress?: boolean } = {}): void {
  writeFileAtomicWith(path, (write) => {
    const members = Object.entries(arrays).map(([key, a]) => ({ name: `${key}.npy`, chunks: serializeNpy(a) }));
    writeZip(write, members, { compress: opts.compress ?? false, archiveName: path });
  });
}
