import { readFile } from 'node:fs/promises';
import sharp from 'sharp';

/**
 * An image file as a `size` × `size` face for a RecordIO pack: a JPEG already that size keeps its
 * own bytes; anything else is resized (shorter side to `size`, Lanczos-3), centre-cropped and
 * re-encoded as 3-channel JPEG, quality 95.
 */
export async function faceJpeg(path: string, size: number): Promise<{ bytes: Uint8Array; reencoded: boolean }> {
  try {
    const m = await sharp(path).metadata();
    if (m.format === 'jpeg' && m.width === size && m.height === size) return { bytes: await readFile(path), reencoded: false };
    const bytes = await sharp(path)
      .removeAlpha()
      .toColourspace('srgb')
      .resize(size, size, { fit: 'cover', position: 'centre', kernel: 'lanczos3' })
      .jpeg({ quality: 95 })
      .toBuffer();
    return { bytes, reencoded: true };
  } catch (err) {
    throw new Error(`${path}: unreadable image (${(err as Error).message})`);
  }
}
