import { readFileSync } from 'node:fs';
import { writeFileAtomicWith } from './atomic.js';
import { restrictedUnpickle, type PickleValue } from './restricted-unpickle.js';

/** An insightface verification set (lfw.bin, cfp_fp.bin, agedb_30.bin): pair p is images 2p and 2p + 1. */
export interface VerificationBin {
  /** encoded images (JPEG or PNG bytes), 2 per pair */
  images: Uint8Array[];
  /** one flag per pair: the same identity */
  issame: boolean[];
}

/**
 * Reads an insightface `.bin`: a pickle of (list of encoded images, list of issame flags), as
 * Python 2 (protocol 2, images as `str`) or Python 3 (protocol 2 to 5, images as `bytes`) writes
 * it; the flags are Python bools or numpy bool scalars. Image bytes are views into the file's buffer.
 */
export function readVerificationBin(path: string): VerificationBin {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    throw new Error(`${path}: cannot read the verification set (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let value: PickleValue;
  try {
    value = restrictedUnpickle(buf);
  } catch (err) {
    throw new Error(`${path}: not a readable insightface verification .bin pickle: ${(err as Error).message}`);
  }
  const bad = (what: string) => new Error(`${path}: not an insightface verification .bin: ${what}`);
  if (!Array.isArray(value) || value.length !== 2) throw bad('expected a pickled pair (images, issame)');
  const [images, issame] = value;
  if (!Array.isArray(images) || !images.every((x) => x instanceof Uint8Array)) throw bad('the first element is not a list of image bytes');
  if (!Array.isArray(issame) || !issame.every((x) => typeof x === 'boolean')) throw bad('the second element is not a list of bools');
  if (images.length !== 2 * issame.length) throw bad(`${images.length} images for ${issame.length} pairs (needs 2 per pair)`);
  return { images: images as Uint8Array[], issame: issame as boolean[] };
}

/** pickle opcodes the writer uses (protocol 4, unframed: framing is optional for the unpickler) */
const OP = { PROTO: 0x80, EMPTY_LIST: 0x5d, MARK: 0x28, APPENDS: 0x65, SHORT_BINBYTES: 0x43, BINBYTES: 0x42, BINBYTES8: 0x8e, NEWTRUE: 0x88, NEWFALSE: 0x89, TUPLE2: 0x86, STOP: 0x2e };

/** The length-prefix opcode of a bytes value. */
function bytesHeader(n: number): Uint8Array {
  if (n < 256) return Uint8Array.of(OP.SHORT_BINBYTES, n);
  const h = new Uint8Array(n < 2 ** 32 ? 5 : 9);
  const v = new DataView(h.buffer);
  if (n < 2 ** 32) { h[0] = OP.BINBYTES; v.setUint32(1, n, true); } else { h[0] = OP.BINBYTES8; v.setBigUint64(1, BigInt(n), true); }
  return h;
}

/**
 * Writes a verification set as a protocol-4 pickle of (list of bytes, list of bool), what Python 3's
 * `pickle.load(f)` (with or without `encoding='bytes'`) and insightface's `load_bin` read. Streamed,
 * atomic (temp name + rename).
 */
export function writeVerificationBin(path: string, images: Uint8Array[], issame: boolean[]): void {
  if (images.length !== 2 * issame.length) throw new Error(`${path}: ${images.length} images for ${issame.length} pairs (needs 2 per pair)`);
  writeFileAtomicWith(path, (write) => {
    write(Uint8Array.of(OP.PROTO, 4, OP.EMPTY_LIST, OP.MARK));
    for (const img of images) {
      write(bytesHeader(img.length));
      write(img);
    }
    write(Uint8Array.of(OP.APPENDS, OP.EMPTY_LIST, OP.MARK));
    write(Uint8Array.from(issame, (s) => (s ? OP.NEWTRUE : OP.NEWFALSE)));
    write(Uint8Array.of(OP.APPENDS, OP.TUPLE2, OP.STOP));
  });
}
