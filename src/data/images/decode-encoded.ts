import sharp from 'sharp';

/**
 * Decodes encoded images (JPEG, PNG, … bytes, e.g. of an insightface .bin) to `h` × `w` × `c` uint8
 * pixels, one after the other: RGB for c = 3, sharp's grey (luminance) for c = 1. An image of
 * another size is resized to h × w (Lanczos-3, aspect not kept: aligned face crops are already
 * square); `resized` counts them. `what(i)` names image i in errors.
 */
export async function decodeEncodedImages(
  images: Uint8Array[], h: number, w: number, c: 1 | 3, what: (i: number) => string,
): Promise<{ pixels: Uint8Array; resized: number }> {
  const per = h * w * c;
  const pixels = new Uint8Array(images.length * per);
  let resized = 0;
  const one = async (i: number) => {
    try {
      const colour = (s: ReturnType<typeof sharp>) => (c === 1 ? s.greyscale().toColourspace('b-w') : s.toColourspace('srgb'));
      let { data, info } = await colour(sharp(images[i]).removeAlpha()).raw().toBuffer({ resolveWithObject: true });
      if (info.width !== w || info.height !== h) {
        resized++;
        data = await colour(sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
          .resize(w, h, { fit: 'fill', kernel: 'lanczos3' })).raw().toBuffer();
      }
      if (data.length !== per) throw new Error(`decoded to ${data.length} bytes, expected ${h}×${w}×${c}`);
      pixels.set(data, i * per);
    } catch (err) {
      throw new Error(`${what(i)}: unreadable image (${(err as Error).message})`);
    }
  };
  // a few dozen in flight: sharp decodes them in parallel in libuv's pool
  const inFlight = 32;
  for (let i = 0; i < images.length; i += inFlight) {
    await Promise.all(Array.from({ length: Math.min(inFlight, images.length - i) }, (_, j) => one(i + j)));
  }
  return { pixels, resized };
}
