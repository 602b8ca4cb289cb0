import sharp, { type Metadata } from 'sharp';

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

/**
 * Decodes encoded image bytes (a RecordIO record's JPEG or PNG) to h × w × 3 RGB, without resizing:
 * aligned faces are used at their stored size, and any other size is an error naming `where`.
 */
export async function decodeAligned(bytes: Uint8Array, h: number, w: number, where: string): Promise<Uint8Array> {
  let out: { data: Buffer; info: { width: number; height: number } };
  try {
    out = await sharp(bytes).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new Error(`${where}: unreadable image (${(err as Error).message})`);
  }
  const { data, info } = out;
  if (info.width !== w || info.height !== h) throw new Error(`${where}: image is ${info.width}×${info.height}, the dataset's property says ${w}×${h}`);
  return new Uint8Array(data.buffer, data.byteOffset, data.length);
}

/** Reads only the header of encoded image bytes: throws a clear error when they are not a decodable h × w image. */
export async function checkImageBytes(bytes: Uint8Array, h: number, w: number, where: string): Promise<void> {
  let m: Metadata;
  try {
    m = await sharp(bytes).metadata();
    if (!m.width || !m.height) throw new Error('no size in header');
  } catch (err) {
    throw new Error(`unreadable image: ${where} (${(err as Error).message})`);
  }
  if (m.width !== w || m.height !== h) throw new Error(`${where}: image is ${m.width}×${m.height}, the dataset's property says ${w}×${h}`);
}
