import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { checkDataset, openDataset, packInsightface } from '../../../src/data/datasets/index.js';
import { readRecordImages } from '../../../src/data/datasets/insightface.js';
import { RECORDIO_MAGIC, readRecordIdx, readVerificationBin } from '../../../src/data/files/index.js';
import { buildGlyphs, readFontFaces, type GlyphFace } from '../../../src/data/glyphs/index.js';
import { python } from '../../helpers/python.js';
import { PY_RECORDIO } from '../files/recordio-python.js';
import { tempDir } from './fixtures.js';

/** a w × h JPEG of seeded noise (so a flip changes it), `quality` 90 */
async function noiseJpeg(path: string, seed: number, w: number, h = w): Promise<Buffer> {
  const px = Buffer.alloc(w * h * 3);
  let s = seed * 7919 + 1;
  for (let i = 0; i < px.length; i++) px[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
  const bytes = await sharp(px, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
  if (path) writeFileSync(path, bytes);
  return bytes;
}

/** what arcface_torch feeds the network for these JPEG bytes: decoded RGB, (v/255 − 0.5)/0.5 */
async function expected(bytes: Buffer): Promise<Float32Array> {
  const raw = await sharp(bytes).removeAlpha().toColourspace('srgb').raw().toBuffer();
  return Float32Array.from(raw, (v) => (v / 255 - 0.5) / 0.5);
}

const mirror = (x: Float32Array, w: number) => Float32Array.from(x, (_, i) => {
  const p = Math.floor(i / 3), k = i % 3, y = Math.floor(p / w), c = p % w;
  return x[(y * w + (w - 1 - c)) * 3 + k];
});

/** writes an insightface dataset with the Python writer: images first, identity records, record 0 last (as insightface's tools do) */
const PY_WRITE = PY_RECORDIO + `
d, spec = sys.argv[1], json.loads(sys.argv[2])
w = IndexedWriter(os.path.join(d, 'train.rec'), os.path.join(d, 'train.idx'))
imgs = spec['images']
n, first = len(imgs), (1 if spec['header'] else 0)
ranges = {}
for k, (label, path, id, id2) in enumerate(imgs, first):
    w.write(k, pack(label, open(path, 'rb').read(), id, id2))
    c = label[0] if isinstance(label, list) else label
    ranges.setdefault(c, [k, k])[1] = k + 1
if spec['header']:
    for c, key in enumerate(sorted(ranges)):
        w.write(n + 1 + c, pack([float(x) for x in ranges[key]], b''))
    w.write(0, pack([float(n + 1), float(n + 1 + len(ranges))], b''))
w.close()
open(os.path.join(d, 'property'), 'w').write('%d,%d,%d' % (len(ranges), spec['size'], spec['size']))
`;

test('facet reads a Python-built insightface set: labels, header range, split records, pixels as arcface_torch', async (t) => {
  const dir = tempDir('if-py');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const labels = [0, 0, 1, 1, 1, 2];
  const jpegs: Buffer[] = [];
  const images: unknown[] = [];
  // image 2's JPEG carries the magic in a comment segment, at a 4-aligned offset of its record (24 + 8)
  const magicComment = Buffer.from([0xff, 0xfe, 0, 10, 0x20, 0x20, 0x0a, 0x23, 0xd7, 0xce, 0x20, 0x20]);
  for (const [i, l] of labels.entries()) {
    const jpeg = await noiseJpeg('', i, 16);
    jpegs.push(i === 2 ? Buffer.concat([jpeg.subarray(0, 2), magicComment, jpeg.subarray(2)]) : jpeg);
    writeFileSync(join(dir, `${i}.jpg`), jpegs[i]);
    // image 2 also has id = id2 = the magic: its record is split in four parts; image 4 carries its label as labels[0] (flag 2)
    images.push([i === 4 ? [l, 0] : l, join(dir, `${i}.jpg`), i === 2 ? RECORDIO_MAGIC : i + 1, i === 2 ? RECORDIO_MAGIC : 0]);
  }
  python(PY_WRITE, [dir, JSON.stringify({ images, header: true, size: 16 })]);
  const ds = openDataset(`insightface:${dir}`, { split: 'train', seed: 3 });
  const split = ds.items[2].record!.offset;
  assert.equal(readFileSync(join(dir, 'train.rec')).readUInt32LE(split + 4) >>> 29, 1, 'image 2\'s record starts with a first part');
  assert.deepEqual(readRecordImages(join(dir, 'train.rec'), ds.items.map((it) => it.record!)), jpegs, 'image bytes read back exactly (split records joined)');
  assert.equal(ds.classes, 3);
  assert.deepEqual(ds.imageShape, [16, 16, 3]);
  assert.deepEqual(ds.items.map((it) => it.record!.key), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(ds.items.map((it) => ds.classIds[it.label]), labels);
  const all = [0, 1, 2, 3, 4, 5];
  const b = await ds.load(all, { train: false });
  const per = 16 * 16 * 3;
  for (const i of all) assert.deepEqual(b.x.subarray(i * per, (i + 1) * per), await expected(jpegs[i]), `image ${i}`);
  // training: no crop or resize, only the seeded horizontal flip
  const tr = await ds.load(all, { train: true, epoch: 1 });
  let flipped = 0;
  for (const i of all) {
    const got = tr.x.subarray(i * per, (i + 1) * per), plain = await expected(jpegs[i]);
    const isFlipped = got.every((v, k) => v === mirror(plain, 16)[k]);
    assert.ok(isFlipped || got.every((v, k) => v === plain[k]), `train image ${i} is the image or its mirror`);
    flipped += isFlipped ? 1 : 0;
  }
  assert.ok(flipped > 0 && flipped < 6, `some images flipped, not all (${flipped})`);
  assert.deepEqual((await ds.load([5, 0], { train: true, epoch: 1 })).x.subarray(0, per), tr.x.subarray(5 * per), 'the flip is seeded per item');
  const val = openDataset(`insightface:${dir}`, { split: 'val', seed: 3, valFraction: 0.3 });
  assert.equal(val.classes, 1);
});

test('record 0 with flag 0: every .idx key is an image (insightface\'s fallback)', async (t) => {
  const dir = tempDir('if-flat');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const images = [];
  for (let i = 0; i < 4; i++) {
    await noiseJpeg(join(dir, `${i}.jpg`), i, 8);
    images.push([i < 2 ? 0 : 1, join(dir, `${i}.jpg`), i, 0]);
  }
  python(PY_WRITE, [dir, JSON.stringify({ images, header: false, size: 8 })]);
  const ds = openDataset(`insightface:${dir}`, { split: 'train' });
  assert.deepEqual(ds.items.map((it) => [it.record!.key, it.label]), [[0, 0], [1, 0], [2, 1], [3, 1]]);
});

/** a folder to pack: JPEGs already 32×32 (stored as they are), a PNG and JPEGs of other sizes (re-encoded) */
async function packFolder(dir: string): Promise<Record<string, Buffer>> {
  const files: Record<string, Buffer> = {};
  const put = async (rel: string, seed: number, w: number, h: number, png = false) => {
    const jpg = await noiseJpeg('', seed, w, h);
    files[rel] = png ? await sharp(jpg).png().toBuffer() : jpg;
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), files[rel]);
  };
  await put('alice/1.jpg', 1, 32, 32);
  await put('alice/2.jpg', 2, 32, 32);
  await put('bob/1.png', 3, 40, 30, true);
  await put('bob/2.jpg', 4, 32, 32);
  await put('carol/1.jpg', 5, 50, 50);
  return files;
}

const sha = (b: Uint8Array) => createHash('sha1').update(b).digest('hex');

test('facet data pack: Python reads the files as insightface lays them out (keys, labels, identity ranges, bytes)', async (t) => {
  const dir = tempDir('if-pack');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const files = await packFolder(join(dir, 'src'));
  const out = join(dir, 'out');
  const r = await packInsightface(`folder:${join(dir, 'src')}`, { out, size: 32 });
  assert.deepEqual(r, { out, classes: 3, images: 5, reencoded: 2, size: 32 });
  assert.deepEqual(readdirSync(out).sort(), ['property', 'train.idx', 'train.rec'], 'no temporary files left');
  const py = JSON.parse(python(PY_RECORDIO + `
d = sys.argv[1]
f = open(os.path.join(d, 'train.rec'), 'rb')
recs = {}
for k, o in read_idx(os.path.join(d, 'train.idx')):
    flag, label, id, id2, img = unpack(read_at(f, o))
    recs[k] = [flag, label, id, id2, hashlib.sha1(img).hexdigest(), img[:2].hex()]
print(json.dumps({'keys': [k for k, o in read_idx(os.path.join(d, 'train.idx'))], 'recs': recs, 'property': open(os.path.join(d, 'property')).read()}))
`, [out]));
  assert.deepEqual(py.keys, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  assert.equal(py.property, '3,32,32');
  assert.deepEqual(py.recs['0'].slice(0, 4), [2, [6, 9], 0, 0]);
  assert.deepEqual([6, 7, 8].map((k) => py.recs[k].slice(0, 2)), [[2, [1, 3]], [2, [3, 5]], [2, [5, 6]]]);
  assert.deepEqual([1, 2, 3, 4, 5].map((k) => py.recs[k].slice(0, 4)), [[0, 0, 1, 0], [0, 0, 2, 0], [0, 1, 3, 0], [0, 1, 4, 0], [0, 2, 5, 0]]);
  const idx = readRecordIdx(join(out, 'train.idx'));
  const facetBytes = readRecordImages(join(out, 'train.rec'), idx.slice(1, 6));
  assert.deepEqual([1, 2, 3, 4, 5].map((k) => py.recs[k][4]), facetBytes.map(sha), 'Python and facet read the same image bytes');
  assert.deepEqual([py.recs['1'][4], py.recs['2'][4], py.recs['4'][4]], [files['alice/1.jpg'], files['alice/2.jpg'], files['bob/2.jpg']].map(sha), '32×32 JPEGs are stored as they are');
  assert.ok([3, 5].every((k) => py.recs[k][5] === 'ffd8'), 'the others are re-encoded as JPEG');
  const meta = await sharp(facetBytes[2]).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height, meta.channels], ['jpeg', 32, 32, 3]);
  // and facet's reader reads its own pack: the same classes, each image decoded at 32×32
  const ds = openDataset(`insightface:${out}`, { split: 'train' });
  assert.deepEqual([ds.classes, ds.items.length, ds.items.map((it) => it.label).join('')], [3, 5, '00112']);
  const b = await ds.load([0], { train: false });
  assert.deepEqual(b.x, await expected(files['alice/1.jpg']));
});

test('corrupt sets: truncated .rec, bad magic, idx offset past the end, missing key, wrong property name the file, key and offset', async (t) => {
  const dir = tempDir('if-bad');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await packFolder(join(dir, 'src'));
  const out = join(dir, 'out');
  await packInsightface(`folder:${join(dir, 'src')}`, { out, size: 32 });
  const rec = join(out, 'train.rec'), idxPath = join(out, 'train.idx'), prop = join(out, 'property');
  const good = { rec: readFileSync(rec), idx: readFileSync(idxPath, 'utf8') };
  const offsets = readRecordIdx(idxPath).map((e) => e.offset);
  const restore = () => { writeFileSync(rec, good.rec); writeFileSync(idxPath, good.idx); writeFileSync(prop, '3,32,32'); };
  const opens = (re: RegExp) => assert.throws(() => openDataset(`insightface:${out}`, { split: 'train' }), re);

  truncateSync(rec, offsets[5] + 20);
  opens(new RegExp(`${rec}: record 5 at offset ${offsets[5]}: truncated`));
  restore();
  const bad = Buffer.from(good.rec);
  bad.writeUInt32LE(0xdeadbeef, offsets[2]);
  writeFileSync(rec, bad);
  opens(new RegExp(`${rec}: record 2 at offset ${offsets[2]}: bad magic 0xdeadbeef`));
  restore();
  writeFileSync(idxPath, good.idx.replace(`\n3\t${offsets[3]}\n`, '\n3\t999999\n'));
  opens(new RegExp(`${rec}: record 3 at offset 999999: offset is past the end of the file`));
  writeFileSync(idxPath, good.idx.replace(`\n4\t${offsets[4]}\n`, '\n'));
  opens(new RegExp(`${idxPath}: no record 4 \\(an image key of ${rec}\\)`));
  restore();
  writeFileSync(prop, '5,32,32');
  opens(new RegExp(`${prop}: says 5 classes, the image records of ${rec} have 3`));
  writeFileSync(prop, '3,24,24');
  const report = await checkDataset(`insightface:${out}`, undefined);
  assert.equal(report.problems.length, 5);
  assert.match(report.problems[0], new RegExp(`${rec}: record 1 at offset ${offsets[1]}: image is 32×32, the dataset's property says 24×24`));
  await assert.rejects(openDataset(`insightface:${out}`, { split: 'train' }).load([0], { train: false }), /record 1: image is 32×32, the dataset's property says 24×24/);
  restore();
  // an image whose bytes are not an image: found by data check unless --no-decode
  const junk = Buffer.from(good.rec);
  junk.fill(0x55, offsets[3] + 8 + 24, offsets[3] + 8 + 64);
  writeFileSync(rec, junk);
  const decoded = await checkDataset(`insightface:${out}`, undefined);
  assert.deepEqual(decoded.splits, { train: { classes: 3, images: 5 } });
  assert.equal(decoded.problems.length, 1);
  assert.match(decoded.problems[0], new RegExp(`unreadable image: ${rec}: record 3 at offset ${offsets[3]}`));
  assert.deepEqual((await checkDataset(`insightface:${out}`, undefined, { decode: false })).problems, []);
  rmSync(idxPath);
  assert.deepEqual((await checkDataset(`insightface:${out}`, undefined)).problems, [`missing file: ${idxPath}`]);
});

test('facet data glyphs --format insightface: the training classes as lossless 3-channel PNG records', async (t) => {
  const out = tempDir('if-glyphs');
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const DEJAVU = '/usr/share/fonts/truetype/dejavu';
  const faces: GlyphFace[] = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSerif.ttf'].map((f) => ({ ...readFontFaces(join(DEJAVU, f))[0], pkg: 'fonts-dejavu-core' }));
  const m = await buildGlyphs({ out, faces, chars: [...'ABCDEF'].map((c) => c.codePointAt(0)!), minFaces: 3, size: 16, seed: 1, format: 'insightface' });
  assert.deepEqual(m.insightface, { classes: 3, images: 9, files: ['train.rec', 'train.idx', 'property'], encoding: 'PNG, 3 channels (grey repeated), lossless', verification: { file: 'glyphs.bin', pairs: 8, same: 4 } });
  assert.equal(readFileSync(join(out, 'property'), 'utf8'), '3,16,16');
  const rec = openDataset(`insightface:${out}`, { split: 'train' });
  const npz = openDataset('glyphs', { root: out, split: 'train' });
  assert.deepEqual([rec.classes, rec.items.length], [npz.classes, npz.items.length]);
  const all = [...npz.items.keys()];
  const a = await rec.load(all, { train: false }), g = await npz.load(all, { train: false });
  assert.deepEqual([...a.labels], [...g.labels]);
  // both scale to [−1, 1]: every channel of the record's PNG equals the npz pixel
  for (let k = 0; k < 3; k++) assert.deepEqual(Float32Array.from(g.x, (_, i) => a.x[i * 3 + k]), g.x, `channel ${k}`);
  // glyphs.bin: pairs of held-out (test) glyphs, same and different alternating, sameness = same class
  const test = openDataset('glyphs', { root: out, split: 'test' });
  const t9 = await test.load([...test.items.keys()], { train: false });
  const classOf = new Map<string, number>();
  for (let i = 0; i < test.items.length; i++) classOf.set(t9.x.subarray(i * 256, (i + 1) * 256).join(','), test.items[i].label);
  const bin = readVerificationBin(join(out, 'glyphs.bin'));
  assert.deepEqual(bin.issame, [true, false, true, false, true, false, true, false]);
  for (let p = 0; p < bin.issame.length; p++) {
    const [ca, cb] = await Promise.all([bin.images[2 * p], bin.images[2 * p + 1]].map(async (png) => {
      const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
      assert.deepEqual([info.width, info.height, info.channels], [16, 16, 3]);
      return classOf.get(Float32Array.from({ length: 256 }, (_, i) => data[i * 3] / 127.5 - 1).join(','));
    }));
    assert.ok(ca !== undefined && cb !== undefined, `pair ${p}: both images are held-out glyphs`);
    assert.equal(ca === cb, bin.issame[p], `pair ${p}: sameness is the class`);
  }
});
