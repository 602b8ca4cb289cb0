export { buildGlyphs, debianGlyphFaces, type GlyphFace, type GlyphOptions } from './build.js';
export { readFontFaces, type FontFace } from './sfnt.js';
export { renderGlyphs } from './render.js';
export { GLYPH_FONT_PACKAGES } from './packages.js';
