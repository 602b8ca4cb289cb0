import { readInto } from './read-into.js';

/** One member of a zip archive, located from the central directory. */
export interface ZipMember {
  name: string;
  /** 0 = stored, 8 = deflated */
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** offset of the local file header */
  headerOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX32 = 0xffffffff;

function u64(v: DataView, at: number): number {
  return Number(v.getBigUint64(at, true));
}

/** Reads `length` bytes at `position` into a fresh buffer. */
function readAt(fd: number, position: number, length: number, name: string): DataView {
  const bytes = new Uint8Array(length);
  readInto(fd, bytes, position, name);
  return new DataView(bytes.buffer);
}

/**
 * Lists a zip's members from its central directory, reading only the directory (never the whole
 * archive), so that members can then be read from disk straight into their final buffers.
 * Understands numpy's zip64 extra fields (np.savez writes with force_zip64).
 */
export function listZipMembers(fd: number, fileSize: number, name: string): ZipMember[] {
  const tailLength = Math.min(fileSize, 22 + 0xffff);
  const tail = readAt(fd, fileSize - tailLength, tailLength, name);
  let eocd = -1;
  for (let i = tailLength - 22; i >= 0; i--) {
    if (tail.getUint32(i, true) === EOCD) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error(`${name}: not a readable .npz (no zip directory: truncated, or not a zip file)`);
  let count = tail.getUint16(eocd + 10, true);
  let dirSize = tail.getUint32(eocd + 12, true);
  let dirOffset = tail.getUint32(eocd + 16, true);
  if ((count === 0xffff || dirSize === MAX32 || dirOffset === MAX32) && eocd >= 20 && tail.getUint32(eocd - 20, true) === ZIP64_LOCATOR) {
    const z = readAt(fd, u64(tail, eocd - 12), 56, name);
    if (z.getUint32(0, true) !== ZIP64_EOCD) throw new Error(`${name}: not a readable .npz (bad zip64 directory)`);
    count = u64(z, 32);
    dirSize = u64(z, 40);
    dirOffset = u64(z, 48);
  }
  if (dirOffset + dirSize > fileSize) throw new Error(`${name}: not a readable .npz (zip directory past the end of the file: truncated)`);
  const dir = readAt(fd, dirOffset, dirSize, name);
  const members: ZipMember[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > dirSize || dir.getUint32(at, true) !== CENTRAL) throw new Error(`${name}: not a readable .npz (damaged zip directory)`);
    const nameLength = dir.getUint16(at + 28, true);
    const extraLength = dir.getUint16(at + 30, true);
    const commentLength = dir.getUint16(at + 32, true);
    if (at + 46 + nameLength + extraLength + commentLength > dirSize) throw new Error(`${name}: not a readable .npz (damaged zip directory)`);
    const m: ZipMember = {
      name: new TextDecoder().decode(new Uint8Array(dir.buffer, at + 46, nameLength)),
      method: dir.getUint16(at + 10, true),
      crc: dir.getUint32(at + 16, true),
      compressedSize: dir.getUint32(at + 20, true),
      size: dir.getUint32(at + 24, true),
      headerOffset: dir.getUint32(at + 42, true),
    };
    readZip64Extra(dir, at + 46 + nameLength, extraLength, m);
    members.push(m);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return members;
}

/** Replaces 0xFFFFFFFF sizes/offset with the 64-bit values of the zip64 extra field (id 1), in its fixed order. */
function readZip64Extra(dir: DataView, start: number, length: number, m: ZipMember): void {
  for (let at = start; at + 4 <= start + length;) {
    const id = dir.getUint16(at, true);
    const size = dir.getUint16(at + 2, true);
    if (at + 4 + size > start + length) break; // a damaged field; the sizes it would give are checked where used
    if (id === 1) {
      let p = at + 4;
      const fits = () => p + 8 <= at + 4 + size;
      if (m.size === MAX32 && fits()) { m.size = u64(dir, p); p += 8; }
      if (m.compressedSize === MAX32 && fits()) { m.compressedSize = u64(dir, p); p += 8; }
      if (m.headerOffset === MAX32 && fits()) m.headerOffset = u64(dir, p);
    }
    at += 4 + size;
  }
}

/** Where a member's (stored or compressed) bytes start: after its local header, whose extra field may differ from the directory's. */
export function memberDataOffset(fd: number, m: ZipMember, name: string): number {
  const local = readAt(fd, m.headerOffset, 30, name);
  if (local.getUint32(0, true) !== LOCAL) throw new Error(`${name}: not a readable .npz (damaged entry for ${m.name})`);
  return m.headerOffset + 30 + local.getUint16(26, true) + local.getUint16(28, true);
}
