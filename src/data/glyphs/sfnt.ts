import { readFileSync } from 'node:fs';

/** One face of an OpenType/TrueType file (a .ttc holds several). */
export interface FontFace {
  file: string;
  /** face index inside a .ttc */
  index: number;
  /** typographic family (name 16, else 1): what an SVG font-family names */
  family: string;
  subfamily: string;
  /** OS/2 usWeightClass (100 … 900) */
  weight: number;
  /** whether the face maps a code point to a real glyph (cmap, glyph ≠ 0) */
  has(codePoint: number): boolean;
}

function tables(b: Buffer, at: number, file: string): Map<string, number> {
  const n = b.readUInt16BE(at + 4);
  const out = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const r = at + 12 + 16 * i;
    if (r + 16 > b.length) throw new Error(`${file}: not a font (table directory past the end)`);
    out.set(b.toString('latin1', r, r + 4), b.readUInt32BE(r + 8));
  }
  return out;
}

function names(b: Buffer, at: number): Map<number, string> {
  const count = b.readUInt16BE(at + 2);
  const strings = at + b.readUInt16BE(at + 4);
  const out = new Map<number, string>();
  for (let i = 0; i < count; i++) {
    const r = at + 6 + 12 * i;
    const [platform, , lang, id, len, off] = [0, 2, 4, 6, 8, 10].map((o) => b.readUInt16BE(r + o));
    const s = b.subarray(strings + off, strings + off + len);
    if (platform === 3 && lang === 0x409) out.set(id, Buffer.from(s).swap16().toString('utf16le'));
    else if (platform === 1 && !out.has(id)) out.set(id, s.toString('latin1'));
  }
  return out;
}

/** a cmap subtable as a code point → has-glyph test (formats 4 and 12) */
function coverage(b: Buffer, at: number, file: string): (cp: number) => boolean {
  const n = b.readUInt16BE(at + 2);
  let best: number | undefined;
  let bestFormat = 0;
  for (let i = 0; i < n; i++) {
    const platform = b.readUInt16BE(at + 4 + 8 * i);
    const encoding = b.readUInt16BE(at + 6 + 8 * i);
    const sub = at + b.readUInt32BE(at + 8 + 8 * i);
    const format = b.readUInt16BE(sub);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (unicode && (format === 12 || (format === 4 && bestFormat !== 12))) {
      best = sub;
      bestFormat = format;
    }
  }
  if (best === undefined) throw new Error(`${file}: no Unicode cmap (format 4 or 12)`);
  const s = best;
  if (bestFormat === 12) {
    const groups = b.readUInt32BE(s + 12);
    const starts = new Uint32Array(groups), ends = new Uint32Array(groups), glyphs = new Uint32Array(groups);
    for (let g = 0; g < groups; g++) {
      starts[g] = b.readUInt32BE(s + 16 + 12 * g);
      ends[g] = b.readUInt32BE(s + 20 + 12 * g);
      glyphs[g] = b.readUInt32BE(s + 24 + 12 * g);
    }
    return (cp) => {
      let lo = 0, hi = groups - 1;
      while (lo <= hi) {
        const m = (lo + hi) >> 1;
        if (cp < starts[m]) hi = m - 1;
        else if (cp > ends[m]) lo = m + 1;
        else return glyphs[m] + (cp - starts[m]) !== 0;
      }
      return false;
    };
  }
  const segs = b.readUInt16BE(s + 6) / 2;
  const endAt = s + 14, startAt = endAt + 2 * segs + 2, deltaAt = startAt + 2 * segs, rangeAt = deltaAt + 2 * segs;
  return (cp) => {
    if (cp > 0xffff) return false;
    for (let i = 0; i < segs; i++) {
      if (cp > b.readUInt16BE(endAt + 2 * i)) continue;
      const start = b.readUInt16BE(startAt + 2 * i);
      if (cp < start) return false;
      const delta = b.readUInt16BE(deltaAt + 2 * i);
      const range = b.readUInt16BE(rangeAt + 2 * i);
      if (range === 0) return ((cp + delta) & 0xffff) !== 0;
      const g = b.readUInt16BE(rangeAt + 2 * i + range + 2 * (cp - start));
      return g !== 0 && ((g + delta) & 0xffff) !== 0;
    }
    return false;
  };
}

/** Every face of a .ttf / .otf / .ttc file, with its names, weight and character coverage. */
export function readFontFaces(file: string): FontFace[] {
  const b = readFileSync(file);
  if (b.length < 12) throw new Error(`${file}: not a TrueType/OpenType font (${b.length} bytes)`);
  const tag = b.toString('latin1', 0, 4);
  const offsets = tag === 'ttcf'
    ? Array.from({ length: b.readUInt32BE(8) }, (_, i) => b.readUInt32BE(12 + 4 * i))
    : [0];
  if (tag !== 'ttcf' && tag !== 'OTTO' && b.readUInt32BE(0) !== 0x00010000 && tag !== 'true') {
    throw new Error(`${file}: not a TrueType/OpenType font (starts with ${JSON.stringify(tag)})`);
  }
  return offsets.map((at, index) => {
    const t = tables(b, at, file);
    const name = t.get('name'), cmap = t.get('cmap'), os2 = t.get('OS/2');
    if (name === undefined || cmap === undefined) throw new Error(`${file}: face ${index} lacks a name or cmap table`);
    const n = names(b, name);
    return {
      file, index,
      family: n.get(16) ?? n.get(1) ?? '',
      subfamily: n.get(17) ?? n.get(2) ?? '',
      weight: os2 === undefined ? 400 : b.readUInt16BE(os2 + 4),
      has: coverage(b, cmap, file),
    };
  });
}
