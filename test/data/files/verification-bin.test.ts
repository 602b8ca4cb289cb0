import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { readVerificationBin, writeVerificationBin } from '../../../src/data/files/verification-bin.js';
import { haveNumpy, python } from '../../helpers/python.js';
import { tempDir } from '../../helpers/temp.js';

/** Images of every length class the opcodes distinguish (0, < 256, ≥ 256), every byte value, and the same object twice (memo). */
const IMAGES_PY = 'imgs = [bytes(range(256)) * 300, b"", bytes([255, 0, 128]), bytes(range(255, -1, -1)) * 2, bytes([7]) * 255, bytes([200]) * 256]; imgs = imgs + [imgs[0], imgs[2]]';
const SAME = [true, false, false, true];

function expectedImages(): Uint8Array[] {
  const r = (a: number, b: number, step = 1) => Array.from({ length: Math.abs(b - a) }, (_, i) => a + i * step);
  const imgs = [
    Uint8Array.from(Array(300).fill(r(0, 256)).flat()), new Uint8Array(0), Uint8Array.of(255, 0, 128),
    Uint8Array.from([...r(255, -1, -1), ...r(255, -1, -1)]), new Uint8Array(255).fill(7), new Uint8Array(256).fill(200),
  ];
  return [...imgs, imgs[0], imgs[2]];
}

const assertSame = (got: { images: Uint8Array[]; issame: boolean[] }, what: string) => {
  assert.deepEqual(got.issame, SAME, what);
  const want = expectedImages();
  assert.equal(got.images.length, want.length, what);
  got.images.forEach((img, i) => assert.ok(Buffer.from(img).equals(Buffer.from(want[i])), `${what}: image ${i}`));
};

test('.bin written by Python 3 in protocols 2, 4, 5, with Python bools or numpy bool scalars: identical bytes and flags', { skip: !haveNumpy() }, (t) => {
  const dir = tempDir('facet-vbin-');
  python(`import pickle, sys, numpy as np
${IMAGES_PY}
same = [${SAME.map((s) => (s ? 'True' : 'False')).join(', ')}]
for p in (2, 4, 5):
    pickle.dump((imgs, same), open(f"{sys.argv[1]}/py{p}.bin", "wb"), protocol=p)
    pickle.dump((imgs, [np.bool_(s) for s in same]), open(f"{sys.argv[1]}/np{p}.bin", "wb"), protocol=p)
`, [dir]);
  // protocol 2 from Python 3 stores bytes as _codecs.encode(text, 'latin1') calls; 4 and 5 as SHORT_BINBYTES/BINBYTES in frames
  for (const f of ['py2', 'py4', 'py5', 'np2', 'np4', 'np5']) assertSame(readVerificationBin(join(dir, `${f}.bin`)), f);
});

/**
 * A Python 2 .bin byte by byte (what py2's pickle.dump(..., protocol=2) writes for a list of str):
 * PROTO 2, images as SHORT_BINSTRING (< 256 bytes) or BINSTRING, memoised with BINPUT/LONG_BINPUT,
 * one repeated through BINGET, flags NEWTRUE/NEWFALSE, APPENDS in MARKed batches, TUPLE2, STOP.
 * Also one BINBYTES8 (images over 4 GiB; never in practice, but the opcode exists).
 */
function python2Pickle(images: Uint8Array[], same: boolean[]): Buffer {
  const parts: Buffer[] = [Buffer.from([0x80, 2, 0x5d, 0x71, 0, 0x28])];
  images.forEach((img, i) => {
    if (i === images.length - 1) {
      parts.push(Buffer.from([0x68, 1])); // BINGET 1: the first image again
      return;
    }
    if (i === 1) {
      const h = Buffer.alloc(9); h[0] = 0x8e; h.writeBigUInt64LE(BigInt(img.length), 1); parts.push(h); // BINBYTES8
    } else if (img.length < 256) parts.push(Buffer.from([0x55, img.length])); // SHORT_BINSTRING
    else { const h = Buffer.alloc(5); h[0] = 0x54; h.writeUInt32LE(img.length, 1); parts.push(h); } // BINSTRING
    parts.push(Buffer.from(img));
    if (i === 2) { const p = Buffer.alloc(5); p[0] = 0x72; p.writeUInt32LE(300, 1); parts.push(p); } // LONG_BINPUT 300
    else parts.push(Buffer.from([0x71, i + 1])); // BINPUT
  });
  parts.push(Buffer.from([0x65, 0x5d, 0x71, 200, 0x28, ...same.map((s) => (s ? 0x88 : 0x89)), 0x65, 0x86, 0x71, 201, 0x2e]));
  return Buffer.concat(parts);
}

test('.bin in Python 2 style (SHORT_BINSTRING/BINSTRING str) keeps every byte; Python 3 with encoding="bytes" reads the same file identically', { skip: !haveNumpy() }, (t) => {
  const dir = tempDir('facet-vbin-');
  const want = expectedImages();
  const images = [want[0], want[3], want[2], want[4], want[5], want[1], want[0], want[0]];
  const file = join(dir, 'py2.bin');
  writeFileSync(file, python2Pickle(images, SAME));
  const got = readVerificationBin(file);
  assert.deepEqual(got.issame, SAME);
  got.images.forEach((img, i) => assert.ok(Buffer.from(img).equals(Buffer.from(images[i])), `image ${i}`));
  // insightface's load_bin path: pickle.load(f, encoding='bytes') sees the same bytes (so the hand-made file is a real pickle)
  const digests = python(`import pickle, sys, hashlib
imgs, same = pickle.load(open(sys.argv[1], "rb"), encoding="bytes")
print(same, [hashlib.sha1(i).hexdigest() for i in imgs], [type(i).__name__ for i in imgs])`, [file]);
  assert.equal(digests.trim(), `[True, False, False, True] [${images.map((i) => `'${createHash('sha1').update(i).digest('hex')}'`).join(', ')}] [${images.map(() => "'bytes'").join(', ')}]`);
});

test('writeVerificationBin: Python 3 reads (list of bytes, list of bool) identically, and facet reads it back', { skip: !haveNumpy() }, (t) => {
  const dir = tempDir('facet-vbin-');
  const file = join(dir, 'out.bin');
  writeVerificationBin(file, expectedImages(), SAME);
  assertSame(readVerificationBin(file), 'facet round trip');
  const ok = python(`import pickle, sys
${IMAGES_PY}
for enc in ("bytes", "ASCII"):
    got = pickle.load(open(sys.argv[1], "rb"), encoding=enc)
    assert type(got) is tuple and len(got) == 2, type(got)
    assert got[0] == imgs and all(type(i) is bytes for i in got[0]), "images differ"
    assert got[1] == [True, False, False, True] and all(type(s) is bool for s in got[1]), got[1]
print("ok")`, [file]);
  assert.equal(ok.trim(), 'ok');
  assert.throws(() => writeVerificationBin(join(dir, 'bad.bin'), expectedImages().slice(0, 3), SAME), /bad\.bin: 3 images for 4 pairs/);
});

test('bad .bin files: missing, truncated, images/pairs mismatch, wrong types, foreign classes: one error naming the file', { skip: !haveNumpy() }, (t) => {
  const dir = tempDir('facet-vbin-');
  python(`import pickle, sys, collections
d = sys.argv[1]
pickle.dump(([b"a", b"b", b"c"], [True, False]), open(d + "/mismatch.bin", "wb"), protocol=4)
pickle.dump({"images": [b"a", b"b"]}, open(d + "/dict.bin", "wb"), protocol=4)
pickle.dump(([b"a", b"b"], [1]), open(d + "/ints.bin", "wb"), protocol=4)
pickle.dump(([b"a", "text"], [True]), open(d + "/text.bin", "wb"), protocol=4)
pickle.dump(collections.OrderedDict(a=1), open(d + "/class.bin", "wb"), protocol=2)
pickle.dump(([b"x" * 1000, b"y" * 1000], [True]), open(d + "/full.bin", "wb"), protocol=4)
`, [dir]);
  const full = readFileSync(join(dir, 'full.bin'));
  writeFileSync(join(dir, 'trunc.bin'), full.subarray(0, 1500));
  writeFileSync(join(dir, 'nostop.bin'), full.subarray(0, full.length - 1));
  writeFileSync(join(dir, 'jpeg.bin'), Buffer.from([0xff, 0xd8, 0xff, 0xe0]));
  const cases: [string, RegExp][] = [
    ['missing.bin', /cannot read the verification set \(ENOENT\)/],
    ['trunc.bin', /not a readable .*pickle: truncated at byte 1500/],
    ['nostop.bin', /truncated/],
    ['jpeg.bin', /unsupported opcode 0xff/],
    ['mismatch.bin', /3 images for 2 pairs \(needs 2 per pair\)/],
    ['dict.bin', /unsupported opcode 0x7d/],
    ['ints.bin', /not a list of bools/],
    ['text.bin', /not a list of image bytes/],
    ['class.bin', /calls collections\.OrderedDict/],
  ];
  for (const [f, re] of cases) {
    const p = join(dir, f);
    assert.throws(() => readVerificationBin(p), (e: Error) => e.message.startsWith(`${p}: `) && re.test(e.message), f);
  }
});
