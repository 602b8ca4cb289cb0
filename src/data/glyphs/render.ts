import sharp from 'sharp';
import { Random } from '../random.js';
import type { FontFace } from './sfnt.js';

/** columns of glyph cells per rendered sheet: one SVG per few thousand glyphs is far faster than one per glyph */
const SHEET_COLUMNS = 64;
const SHEET_ROWS = 32;

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Renders `chars` in `face` as size × size grey cells (white ink on black), each with its own
 * seeded small affine jitter (rotation ±6°, scale 0.88–1.02, shear ±0.1, shift ±1.5 px).
 * Returns the cells (n × size × size) and, per cell, whether it has ink (an empty glyph is not kept).
 */
export async function renderGlyphs(face: FontFace, chars: number[], size: number, rng: Random): Promise<{ pixels: Uint8Array; inked: boolean[] }> {
  const pixels = new Uint8Array(chars.length * size * size);
  const inked: boolean[] = [];
  const perSheet = SHEET_COLUMNS * SHEET_ROWS;
  const fontSize = size * 0.8;
  for (let s = 0; s < chars.length; s += perSheet) {
    const part = chars.slice(s, s + perSheet);
    const rows = Math.ceil(part.length / SHEET_COLUMNS);
    const W = SHEET_COLUMNS * size, H = rows * size;
    const cells = part.map((cp, i) => {
      const cx = (i % SHEET_COLUMNS) * size + size / 2 + (rng.next() * 3 - 1.5);
      const cy = Math.floor(i / SHEET_COLUMNS) * size + size / 2 + (rng.next() * 3 - 1.5);
      const rot = rng.next() * 12 - 6;
      const scale = 0.88 + rng.next() * 0.14;
      const shear = (rng.next() * 0.2 - 0.1) * (180 / Math.PI);
      // a CJK em box's centre sits about 0.38 em above the baseline
      return `<g transform="translate(${cx.toFixed(2)} ${cy.toFixed(2)}) rotate(${rot.toFixed(2)}) skewX(${shear.toFixed(2)}) scale(${scale.toFixed(3)})"><text y="${(fontSize * 0.38).toFixed(2)}">${escapeXml(String.fromCodePoint(cp))}</text></g>`;
    });
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="100%" height="100%" fill="black"/>` +
      `<g fill="white" font-family="${escapeXml(face.family)}" font-weight="${face.weight}" font-size="${fontSize}" text-anchor="middle">${cells.join('')}</g></svg>`;
    const { data } = await sharp(Buffer.from(svg)).greyscale().raw().toBuffer({ resolveWithObject: true });
    const ch = data.length / (W * H);
    for (let i = 0; i < part.length; i++) {
      const x0 = (i % SHEET_COLUMNS) * size, y0 = Math.floor(i / SHEET_COLUMNS) * size;
      const out = (s + i) * size * size;
      let max = 0;
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const v = data[((y0 + y) * W + x0 + x) * ch];
          pixels[out + y * size + x] = v;
          if (v > max) max = v;
        }
      }
      inked.push(max >= 64);
    }
  }
  return { pixels, inked };
}
