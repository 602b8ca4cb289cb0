import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildGlyphs, debianGlyphFaces } from '../data/glyphs/build.js';
import { GLYPHS_FILE } from '../data/datasets/index.js';
import { Random } from '../data/random.js';
import { progress } from '../report/progress.js';

const CJK_UNIFIED_FIRST = 0x4e00, CJK_UNIFIED_COUNT = 0x9fff - 0x4e00 + 1;

/**
 * The demo's data: a seeded pick of `characters` CJK ideographs rendered by every Debian font that
 * has them (a class needs 15 faces), in `dir` — built once, then reused. Many classes with few
 * images each, like faces: what the semi-supervised loop is made for.
 */
export async function demoGlyphs(dir: string, characters: number, seed: number, install: boolean): Promise<string> {
  if (existsSync(join(dir, GLYPHS_FILE))) return dir;
  const rng = new Random(seed);
  const pick = rng.shuffle(Int32Array.from({ length: CJK_UNIFIED_COUNT }, (_, i) => CJK_UNIFIED_FIRST + i)).slice(0, characters);
  const chars = [...pick].sort((a, b) => a - b);
  const faces = debianGlyphFaces(install);
  const bar = progress('rendering glyphs', faces.length, 'faces');
  await buildGlyphs({ out: dir, chars, seed, faces, onFace: () => bar.tick() });
  bar.stop();
  return dir;
}
