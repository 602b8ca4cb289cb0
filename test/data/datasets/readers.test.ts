import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { copyFileSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { checkDataset, openDataset, indexDataset } from '../../../src/data/datasets/index.js';
import { makeCub, makeFolder, makeInshop, makeSop, tempDir, writePng, writeText } from './fixtures.js';
import { writeMat5 } from './mat5-writer.js';

test('SOP: Ebay lists with header, train/test class ranges, dense labels', async () => {
  const root = tempDir('sop');
  await makeSop(root);
  const report = await checkDataset('sop', root);
  assert.deepEqual(report, { dataset: 'sop', splits: { train: { classes: 4, images: 8 }, test: { classes: 2, images: 4 } }, problems: [] });
  const test_ = openDataset('sop', { root, split: 'test' });
  assert.deepEqual(test_.classIds, [5, 6]);
  assert.deepEqual(test_.items.map((it) => it.label), [0, 0, 1, 1]);
});

test('In-Shop: skips count + header, train/query/gallery by item id', async () => {
  const root = tempDir('inshop');
  await makeInshop(root);
  const r = await checkDataset('inshop', root);
  assert.deepEqual(r.splits, { train: { classes: 2, images: 3 }, query: { classes: 1, images: 1 }, gallery: { classes: 2, images: 2 } });
  assert.deepEqual(openDataset('inshop', { root, split: 'gallery' }).classIds, ['id_00000010', 'id_00000011']);
});

test('CUB: classes ≤ 100 train, ≥ 101 test', async () => {
  const root = tempDir('cub');
  await makeCub(root);
  const r = await checkDataset('cub', root);
  assert.deepEqual(r.splits, { train: { classes: 2, images: 3 }, test: { classes: 2, images: 3 } });
  assert.deepEqual(openDataset('cub', { root, split: 'test' }).classIds, [101, 102]);
});

test('Cars: cars_annos.mat (compressed MAT v5 struct array), classes ≤ 98 train', async () => {
  const root = tempDir('cars');
  const dir = join(root, 'Cars196');
  const annos = [[1, 97], [2, 98], [3, 99], [4, 196]].map(([i, c]) => ({
    relative_im_path: `car_ims/${String(i).padStart(6, '0')}.jpg`, bbox_x1: [10], class: [c], test: [0],
  }));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'cars_annos.mat'), writeMat5({ annotations: { struct: annos }, class_names: 'AM General Hummer' }, { compress: true }));
  for (let i = 1; i <= 4; i++) await writePng(join(dir, 'car_ims', `${String(i).padStart(6, '0')}.jpg`), i);
  const r = await checkDataset('cars', root);
  assert.deepEqual(r.splits, { train: { classes: 2, images: 2 }, test: { classes: 2, images: 2 } });
  assert.deepEqual(openDataset('cars', { root, split: 'test' }).classIds, [99, 196]);
});

test('Fashion-MNIST: idx files gzipped or not, read into memory and scaled to [−1, 1]', async () => {
  const dir = tempDir('fmnist');
  const idx = (dims: number[], data: number[]) => {
    const head = Buffer.alloc(4 + 4 * dims.length);
    head.set([0, 0, 8, dims.length]);
    dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
    return Buffer.concat([head, Buffer.from(data)]);
  };
  const pix = (n: number, v: number) => new Array(n * 784).fill(v);
  writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(idx([3, 28, 28], [...pix(2, 0), ...pix(1, 255)])));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idx([3], [7, 7, 2]));
  writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idx([1, 28, 28], pix(1, 51)));
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(idx([1], [4])));
  const train = openDataset('fashion-mnist', { root: dir, split: 'train' });
  assert.equal(train.classes, 2);
  const b = await train.load([2, 0], { train: true });
  assert.deepEqual(b.shape, [2, 28, 28, 1]);
  assert.deepEqual([...b.labels], [1, 0]);
  assert.equal(b.x[0], 1);
  assert.equal(b.x[784], -1);
  const t = await openDataset('fashion-mnist', { root: dir, split: 'test' }).load([0], { train: false });
  assert.ok(Math.abs(t.x[0] - (51 / 127.5 - 1)) < 1e-6);
  // a truncated idx file is named with what is wrong
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(idx([2], [4])));
  assert.throws(() => openDataset('fashion-mnist', { root: dir, split: 'test' }), /t10k-labels-idx1-ubyte\.gz: idx header says 2 = 2 bytes of data, file holds 1/);
});

test('Fashion-MNIST: found in Debian\'s dataset-fashion-mnist package without --root', () => {
  const idx = indexDataset('fashion-mnist', undefined);
  assert.deepEqual([idx.splits.train.length, idx.splits.test.length], [60000, 10000]);
});

test('image folders: one class per sub-folder; list files become splits', async () => {
  const dir = tempDir('folder');
  await makeFolder(dir, 3, 2);
  const ds = openDataset(`folder:${dir}`, { split: 'train' });
  assert.equal(ds.classes, 3);
  assert.equal(ds.items.length, 6);
  writeText(join(dir, 'train.txt'), 'class_0/img_0.png\nclass_1/img_0.png\n');
  writeText(join(dir, 'query.txt'), 'class_2/img_1.png 9\n');
  const r = await checkDataset(`folder:${dir}`, undefined);
  assert.deepEqual(r.splits, { query: { classes: 1, images: 1 }, train: { classes: 2, images: 2 } });
});

test('validation split: class-disjoint, seeded, carved from the training classes', async () => {
  const dir = tempDir('val');
  await makeFolder(dir, 10, 1);
  const val = openDataset(`folder:${dir}`, { split: 'val', seed: 3, valFraction: 0.3 });
  const fit = openDataset(`folder:${dir}`, { split: 'fit', seed: 3, valFraction: 0.3 });
  assert.equal(val.classes, 3);
  assert.equal(fit.classes, 7);
  assert.deepEqual(fit.classIds.filter((c) => val.classIds.includes(c)), []);
  assert.deepEqual(openDataset(`folder:${dir}`, { split: 'val', seed: 3, valFraction: 0.3 }).classIds, val.classIds);
  assert.notDeepEqual(openDataset(`folder:${dir}`, { split: 'val', seed: 4, valFraction: 0.3 }).classIds, val.classIds);
});

test('missing images: one error listing the first few and the count; check reports unreadable images and exits 1', async () => {
  const root = tempDir('sop-bad');
  await makeSop(root);
  const dir = join(root, 'Stanford_Online_Products', 'bicycle_final');
  for (const f of ['1_1.JPG', '1_2.JPG', '2_3.JPG', '2_4.JPG', '3_5.JPG', '3_6.JPG']) unlinkSync(join(dir, f));
  assert.throws(() => openDataset('sop', { root, split: 'train' }), (err: Error) =>
    /sop at .*: 6 problem\(s\)/.test(err.message) && /image listed but absent: .*1_1\.JPG/.test(err.message) && /and 1 more/.test(err.message));
  writeFileSync(join(dir, '5_9.JPG'), 'not an image');
  copyFileSync(join(dir, '4_7.JPG'), join(dir, '1_1.JPG'));
  const r = await checkDataset('sop', root);
  assert.equal(r.problems.length, 6);
  assert.ok(r.problems.some((p) => /unreadable image: .*5_9\.JPG/.test(p)));
});

test('bad input: unknown dataset, unknown split, missing list file', () => {
  const root = tempDir('empty');
  assert.throws(() => openDataset('imagenet', { root, split: 'train' }), /unknown dataset "imagenet": expected one of sop, inshop/);
  assert.throws(() => openDataset('cub', { root, split: 'train' }), /missing file: .*images\.txt/);
  assert.throws(() => openDataset('sop', { split: 'train' }), /dataset sop: --root DIR is required/);
});
