import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { openDataset } from '../src/data/datasets/index.js';
import { Prefetcher } from '../src/data/images/index.js';
import { benchDir, peakRssMB, recordResult, runPython, timeIt } from './harness.js';

const images = Number(process.env.FACET_BENCH_IMAGES ?? 512);
const classes = 16;
const batch = 32;
const dir = resolve(benchDir, `../.data/bench-image-loading-${images}`);

/** JPEGs shaped like SOP photos (500 × 375, noisy so decoding does real work), one folder per class */
async function makeImages(): Promise<void> {
  if (existsSync(join(dir, 'done'))) return;
  for (let i = 0; i < images; i++) {
    const cls = join(dir, `c${i % classes}`);
    mkdirSync(cls, { recursive: true });
    await sharp({ create: { width: 500, height: 375, channels: 3, background: { r: i % 255, g: 90, b: 160 }, noise: { type: 'gaussian', mean: 120, sigma: 40 } } })
      .jpeg({ quality: 90 }).toFile(join(cls, `${i}.jpg`));
  }
  mkdirSync(join(dir, 'done'));
}

/**
 * Decode + reference train augmentation (resize 256 Lanczos, random resized crop 224, flip,
 * normalise) in images/s: facet (sharp in libuv's threads, batches prefetched) vs Pillow from
 * Debian python3-pil doing the same per image with numpy, in one process as one DataLoader worker does.
 */
export async function benchImageLoading(): Promise<void> {
  await makeImages();
  const ds = openDataset(`folder:${dir}`, { split: 'train', seed: 0 });
  const order = Array.from({ length: ds.items.length }, (_, i) => i);
  const batches: number[][] = [];
  for (let i = 0; i < order.length; i += batch) batches.push(order.slice(i, i + batch));
  const seconds = await timeIt(async () => {
    for await (const b of new Prefetcher(ds, batches, { train: true, ahead: 2 })) if (b.labels.length === 0) throw new Error('empty batch');
  });
  const peer = runPython(`
import sys, os, time, json, random, math
import numpy as np
from PIL import Image
import PIL
root = sys.argv[1]
files = sorted(os.path.join(root, c, f) for c in os.listdir(root) if c != 'done' for f in os.listdir(os.path.join(root, c)))
mean = np.array([0.485, 0.456, 0.406], np.float32); std = np.array([0.229, 0.224, 0.225], np.float32)
rng = random.Random(0)
def crop_box(w, h):
    for _ in range(10):
        a = w * h * rng.uniform(0.16, 1); r = math.exp(rng.uniform(math.log(3/4), math.log(4/3)))
        cw = round(math.sqrt(a * r)); ch = round(math.sqrt(a / r))
        if 0 < cw <= w and 0 < ch <= h:
            x = rng.randint(0, w - cw); y = rng.randint(0, h - ch); return (x, y, x + cw, y + ch)
    return (0, 0, w, h)
t = time.perf_counter()
for f in files:
    im = Image.open(f).convert('RGB').resize((256, 256), Image.LANCZOS)
    im = im.crop(crop_box(256, 256)).resize((224, 224), Image.BILINEAR)
    if rng.random() < 0.5: im = im.transpose(Image.FLIP_LEFT_RIGHT)
    x = (np.asarray(im, np.float32) / 255 - mean) / std
print(json.dumps({"seconds": time.perf_counter() - t, "version": PIL.__version__}))
`, [dir]) as { seconds: number; version: string };
  recordResult({
    name: 'image-loading',
    sizes: { images, source: '500x375 JPEG', output: '224x224x3 float32', batch },
    threads: Number(process.env.UV_THREADPOOL_SIZE ?? 4),
    seconds,
    peakMemoryMB: peakRssMB(),
    peer: { name: `Pillow ${peer.version} + numpy (Debian python3-pil), one process`, seconds: peer.seconds },
    extra: { facetImagesPerSecond: +(images / seconds).toFixed(1), pillowImagesPerSecond: +(images / peer.seconds).toFixed(1) },
  });
}
