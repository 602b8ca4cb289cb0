import { mkdirSync } from 'node:fs';
import sharp from 'sharp';
import { basename, join } from 'node:path';
import { writeFileAtomic, writeNpz, writeVerificationBin } from '../files/index.js';
import { GLYPHS_FILE } from '../datasets/glyphs.js';
import { INSIGHTFACE_FILES } from '../datasets/insightface.js';
import { writeInsightface } from '../datasets/insightface-write.js';
import { Random } from '../random.js';
import { debianVersion, ensurePackages, GLYPH_FONT_PACKAGES, packageFontFiles } from './packages.js';
import { renderGlyphs } from './render.js';
import { heldOutPairs } from './verification-pairs.js';
import { readFontFaces, type FontFace } from './sfnt.js';

export interface GlyphFace extends FontFace {
  pkg: string;
}

export interface GlyphOptions {
  out: string;
  /** code points to consider (default: CJK Unified Ideographs U+4E00–U+9FFF) */
  chars?: number[];
  /** a class needs at least this many faces (15) */
  minFaces?: number;
  size?: number;
  seed?: number;
  /** the faces to render (default: one per font file of GLYPH_FONT_PACKAGES) */
  faces?: GlyphFace[];
  install?: boolean;
  /**
   * `insightface`: also write the training classes as insightface RecordIO (`train.rec`, `train.idx`,
   * `property`) and `glyphs.bin`, a verification set of LFW-style pairs of the held-out classes
   */
  format?: 'npz' | 'insightface';
  onFace?: (face: GlyphFace, rendered: number) => void;
}

/** One face per font file of the benchmark's Debian packages (installed first when asked). */
export function debianGlyphFaces(install: boolean): GlyphFace[] {
  ensurePackages(GLYPH_FONT_PACKAGES.map((p) => p.pkg), install);
  const faces: GlyphFace[] = [];
  const seen = new Set<string>();
  for (const { pkg, files, family } of GLYPH_FONT_PACKAGES) {
    for (const file of packageFontFiles(pkg).filter((f) => !files || files.test(f))) {
      const face = readFontFaces(file).find((f) => !family || family.test(f.family));
      if (!face) throw new Error(`${file}: no face whose family matches ${family}`);
      // a renderer picks a face by family + weight: two files with the same pair would render the same
      const key = `${face.family}/${face.weight}`;
      if (!seen.has(key)) faces.push({ ...face, pkg });
      seen.add(key);
    }
  }
  return faces;
}

const CJK_UNIFIED = Array.from({ length: 0x9fff - 0x4e00 + 1 }, (_, i) => 0x4e00 + i);

/**
 * `facet data glyphs`: renders every character that at least `minFaces` faces cover, once per
 * covering face, into `out/glyphs.npz` (images n × size × size uint8, labels int32: classes in
 * code-point order) plus `out/manifest.json`. A face lacking a glyph (cmap) is skipped for that
 * character — never a fallback font or a blank box — and so is a render with no ink.
 */
export async function buildGlyphs(o: GlyphOptions): Promise<Record<string, unknown>> {
  const size = o.size ?? 32;
  const minFaces = o.minFaces ?? 15;
  const faces = o.faces ?? debianGlyphFaces(o.install ?? false);
  const chars = o.chars ?? CJK_UNIFIED;
  const covering = chars.map((cp) => faces.filter((f) => f.has(cp)).length);
  let classes = chars.filter((_, i) => covering[i] >= minFaces);
  // render, then keep only inked cells; a class that drops below minFaces is dropped
  const rng = new Random(o.seed ?? 0);
  const cells = new Map<number, Uint8Array[]>(classes.map((cp) => [cp, []]));
  const perFace: Record<string, number> = {};
  for (const face of faces) {
    const mine = classes.filter((cp) => face.has(cp));
    const { pixels, inked } = await renderGlyphs(face, mine, size, rng);
    let kept = 0;
    mine.forEach((cp, i) => {
      if (!inked[i]) return;
      cells.get(cp)!.push(pixels.subarray(i * size * size, (i + 1) * size * size));
      kept++;
    });
    perFace[`${basename(face.file)}#${face.index}`] = kept;
    o.onFace?.(face, kept);
  }
  classes = classes.filter((cp) => cells.get(cp)!.length >= minFaces);
  const n = classes.reduce((a, cp) => a + cells.get(cp)!.length, 0);
  const images = new Uint8Array(n * size * size);
  const labels = new Int32Array(n);
  let at = 0;
  classes.forEach((cp, label) => {
    for (const c of cells.get(cp)!) {
      images.set(c, at * size * size);
      labels[at++] = label;
    }
  });
  mkdirSync(o.out, { recursive: true });
  writeNpz(join(o.out, GLYPHS_FILE), { images: { dtype: 'uint8', shape: [n, size, size], data: images }, labels: { dtype: 'int32', shape: [n], data: labels } });
  const perClass = classes.map((cp) => cells.get(cp)!.length);
  const half = Math.floor(classes.length / 2);
  const trainImages = labels.findIndex((l) => l >= half);
  const insightface = o.format === 'insightface'
    ? {
      ...(await writeGlyphRecords(o.out, images, labels.subarray(0, trainImages < 0 ? n : trainImages), size)),
      files: Object.values(INSIGHTFACE_FILES), encoding: 'PNG, 3 channels (grey repeated), lossless',
      verification: await writeGlyphPairs(o.out, images, labels, half, size, o.seed ?? 0),
    }
    : undefined;
  const manifest = {
    generator: 'facet data glyphs',
    size, minFaces, seed: o.seed ?? 0,
    fonts: faces.map((f) => ({ package: f.pkg, version: debianVersion(f.pkg) ?? null, file: f.file, face: f.index, family: f.family, style: f.subfamily, weight: f.weight, images: perFace[`${basename(f.file)}#${f.index}`] })),
    classes: classes.length, images: n,
    imagesPerClass: { min: Math.min(...perClass), max: Math.max(...perClass), mean: n / Math.max(1, classes.length) },
    split: { train: `labels 0 … ${half - 1}`, test: `labels ${half} … ${classes.length - 1}` },
    ...(insightface && { insightface }),
    characters: String.fromCodePoint(...classes),
  };
  writeFileAtomic(join(o.out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

/** A grey cell as a 3-channel PNG (lossless), as the RecordIO and .bin files hold it. */
function cellPng(images: Uint8Array, i: number, size: number): Promise<Buffer> {
  const cell = Buffer.from(images.buffer, images.byteOffset + i * size * size, size * size);
  return sharp(cell, { raw: { width: size, height: size, channels: 1 } }).toColourspace('srgb').png().toBuffer();
}

/** The training classes' glyphs as insightface RecordIO. */
function writeGlyphRecords(out: string, images: Uint8Array, labels: Int32Array, size: number): Promise<{ classes: number; images: number }> {
  return writeInsightface(out, { labels, h: size, w: size, image: (i) => cellPng(images, i, size) });
}

/** LFW's 6,000 pairs (fewer on a small benchmark), alternating same / different */
const VERIFICATION_PAIRS = 6000;

/** `glyphs.bin`: an insightface verification set of pairs of the held-out (test) classes. */
async function writeGlyphPairs(out: string, images: Uint8Array, labels: Int32Array, firstTestClass: number, size: number, seed: number): Promise<{ file: string; pairs: number; same: number }> {
  const heldOut = labels.length - labels.findIndex((l) => l >= firstTestClass);
  const pairs = heldOutPairs(labels, firstTestClass, Math.min(VERIFICATION_PAIRS, 2 * Math.floor(heldOut / 2)), new Random(seed + 1));
  const encoded: Uint8Array[] = [];
  for (let p = 0; p < pairs.same.length; p++) encoded.push(await cellPng(images, pairs.a[p], size), await cellPng(images, pairs.b[p], size));
  writeVerificationBin(join(out, GLYPH_VERIFICATION_FILE), encoded, pairs.same);
  return { file: GLYPH_VERIFICATION_FILE, pairs: pairs.same.length, same: pairs.same.filter(Boolean).length };
}

/** the glyph benchmark's verification set, written beside its RecordIO files */
export const GLYPH_VERIFICATION_FILE = 'glyphs.bin';
