import sharp from 'sharp';

/**
 * Decodes an image file (JPEG, PNG, …) with sharp and resizes it to `size` × `size` with Lanczos-3,
 * as the reference's Resize((256, 256)); always 3 channels (grey and alpha are converted).
 * sharp works in libuv's thread pool, so many decodes in flight run in parallel off the main thread.
 */
export async function decodeResized(path: string, size: number): Promise<Uint8Array> {
  try {
    const { data } = await sharp(path)
      .removeAlpha()
      .toColourspace('srgb')
      .resize(size, size, { fit: 'fill', kernel: 'lanczos3' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (data.length !== size * size * 3) throw new Error(`decoded to ${data.length} bytes, expected ${size * size * 3}`);
    return new Uint8Array(data.buffer, data.byteOffset, data.length);
  } catch (err) {
    throw new Error(`${path}: unreadable image (${(err as Error).message})`);
  }
}

/** Reads only the header: throws a clear error when the file is not a decodable image. */
export async function checkImage(path: string): Promise<void> {
  try {
    const m = await sharp(path).metadata();
    if (!m.width || !m.height) throw new Error('no size in header');
  } catch (err) {
    throw new Error(`unreadable image: ${path} (${(err as Error).message})`);
  }
}
