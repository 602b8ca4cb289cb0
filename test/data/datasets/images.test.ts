import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { openDataset } from '../../../src/data/datasets/index.js';
import { centreCropBox, cropResizeNormalise, IMAGENET_MEAN, IMAGENET_STD, Prefetcher, randomResizedCropBox } from '../../../src/data/images/index.js';
import { Random } from '../../../src/data/random.js';
import { makeFolder, tempDir } from './fixtures.js';

test('random resized crop: inside the image, area 0.16–1, ratio 3/4–4/3 (torchvision semantics)', () => {
  const rng = new Random(1);
  for (let i = 0; i < 2000; i++) {
    const b = randomResizedCropBox(256, 256, rng);
    assert.ok(b.left >= 0 && b.top >= 0 && b.left + b.width <= 256 && b.top + b.height <= 256, JSON.stringify(b));
    const area = (b.width * b.height) / 256 ** 2;
    assert.ok(area > 0.15 && area <= 1, `area ${area}`);
    const r = b.width / b.height;
    assert.ok(r > 0.74 && r < 1.35, `ratio ${r}`);
  }
  assert.deepEqual(centreCropBox(256, 256, 224), { left: 16, top: 16, width: 224, height: 224 });
});

test('crop + resize + normalise: identity box copies pixels exactly; flip mirrors; bilinear halves between pixels', () => {
  const w = 4, h = 2, c = 3;
  const src = Uint8Array.from({ length: w * h * c }, (_, i) => i * 10);
  const out = new Float32Array(w * h * c);
  cropResizeNormalise(src, w, h, c, { left: 0, top: 0, width: 4, height: 2 }, 2, false, [0, 0, 0], [1, 1, 1], out, 0);
  // 4×2 → 2×2 samples x at 0.5 and 2.5: the mean of pixels 0,1 and 2,3 of each row
  assert.ok(Math.abs(out[0] - (0 + 30) / 2 / 255) < 1e-6);
  const sq = new Float32Array(2 * 2 * 3);
  cropResizeNormalise(src, w, h, c, { left: 1, top: 0, width: 2, height: 2 }, 2, false, IMAGENET_MEAN, IMAGENET_STD, sq, 0);
  assert.ok(Math.abs(sq[0] - (30 / 255 - IMAGENET_MEAN[0]) / IMAGENET_STD[0]) < 1e-6);
  const flipped = new Float32Array(sq.length);
  cropResizeNormalise(src, w, h, c, { left: 1, top: 0, width: 2, height: 2 }, 2, true, IMAGENET_MEAN, IMAGENET_STD, flipped, 0);
  assert.deepEqual([...flipped.subarray(0, 3)], [...sq.subarray(3, 6)]);
});

test('loading: sharp decode, test = centre crop, train augmentation seeded by (seed, epoch, item); prefetch keeps order', async () => {
  const dir = tempDir('load');
  await makeFolder(dir, 2, 2);
  const sizes = { resize: 16, crop: 12 };
  const ds = openDataset(`folder:${dir}`, { split: 'train', seed: 5, sizes });
  assert.deepEqual(ds.imageShape, [12, 12, 3]);
  const t = await ds.load([0, 3], { train: false });
  assert.deepEqual(t.shape, [2, 12, 12, 3]);
  assert.deepEqual([...t.labels], [0, 1]);
  // a solid colour (r = 0 for class 0 image 0) stays solid through Lanczos + crop
  assert.ok(Math.abs(t.x[0] - (0 - IMAGENET_MEAN[0]) / IMAGENET_STD[0]) < 1e-5);
  const a = await ds.load([1, 2], { train: true, epoch: 1 });
  const b = await ds.load([2, 1], { train: true, epoch: 1 });
  const per = 12 * 12 * 3;
  assert.deepEqual([...a.x.subarray(0, per)], [...b.x.subarray(per)]);
  const batches = [[0], [1, 2], [3]];
  const seen: number[][] = [];
  for await (const batch of new Prefetcher(ds, batches, { train: false, ahead: 2 })) seen.push([...batch.labels]);
  assert.deepEqual(seen, [[0], [0, 1], [1]]);
  await assert.rejects(ds.load([9], { train: false }), /item 9 out of range \(4 items\)/);
});
