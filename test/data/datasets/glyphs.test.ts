import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDataset } from '../../../src/data/datasets/index.js';
import { buildGlyphs, readFontFaces, type GlyphFace } from '../../../src/data/glyphs/index.js';
import { tempDir } from './fixtures.js';

// DejaVu (fonts-dejavu-core, always on Debian) stands in for the CJK packages: three faces, Latin letters
const DEJAVU = '/usr/share/fonts/truetype/dejavu';
const faces: GlyphFace[] = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSerif.ttf']
  .map((f) => ({ ...readFontFaces(join(DEJAVU, f))[0], pkg: 'fonts-dejavu-core' }));

test('font faces: names, weight and cmap coverage read from the file', () => {
  assert.deepEqual(faces.map((f) => [f.family, f.weight]), [['DejaVu Sans', 400], ['DejaVu Sans', 700], ['DejaVu Serif', 400]]);
  assert.ok(faces.every((f) => f.has(0x41) && f.has(0x3a9)));
  assert.ok(faces.every((f) => !f.has(0x5b57)), 'DejaVu has no 字');
  assert.throws(() => readFontFaces(join(DEJAVU, '..', '..', '..', '..', '..', 'etc', 'hostname')), /not a TrueType\/OpenType font|not a font/);
});

test('glyphs: a class per character all faces cover, one image per face; uncovered characters skipped, never a fallback', async () => {
  const out = tempDir('glyphs');
  const chars = [...'ABCDEF'].map((c) => c.codePointAt(0)!).concat([0x5b57, 0x20]); // 字 (no face has it), space (no ink)
  const m = await buildGlyphs({ out, faces, chars, minFaces: 3, size: 16, seed: 1 });
  assert.equal(m.classes, 6);
  assert.equal(m.images, 18);
  assert.equal(m.characters, 'ABCDEF');
  const train = openDataset('glyphs', { root: out, split: 'train' });
  const testSplit = openDataset('glyphs', { root: out, split: 'test' });
  assert.deepEqual([train.classes, train.items.length, testSplit.classes, testSplit.items.length], [3, 9, 3, 9]);
  const b = await train.load([0, 1], { train: false });
  assert.deepEqual(b.shape, [2, 16, 16, 1]);
  assert.ok(b.x.some((v) => v > 0) && b.x.some((v) => v === -1), 'ink on a black background');
  // the same seed gives the same file
  const again = tempDir('glyphs2');
  await buildGlyphs({ out: again, faces, chars, minFaces: 3, size: 16, seed: 1 });
  assert.deepEqual(readFileSync(join(again, 'glyphs.npz')), readFileSync(join(out, 'glyphs.npz')));
});
