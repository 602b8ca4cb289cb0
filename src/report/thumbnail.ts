import sharp from 'sharp';

/** An image sample (h × w × c floats in [−1, 1], as the dataset readers scale them) as a PNG data: URI. */
export async function thumbnail(x: Float32Array, h: number, w: number, c: number): Promise<string> {
  const px = Buffer.from(Uint8Array.from(x, (v) => Math.max(0, Math.min(255, Math.round((v + 1) * 127.5)))));
  const png = await sharp(px, { raw: { width: w, height: h, channels: c as 1 | 3 } }).png().toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}
