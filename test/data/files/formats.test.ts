import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  readNpy, writeNpy, readNpz, writeNpz, readFeatures, writeFeatures, readLabels, writeLabels,
  readKnn, writeKnnLearnToCluster, writeKnnNaan, readNaanFeats, writeFileAtomic, describeFile,
  type NdArray,
} from '../../../src/data/files/index.js';

const dir = mkdtempSync(join(tmpdir(), 'facet-files-'));

const samples: NdArray[] = [
  { dtype: 'float32', shape: [3, 4], data: Float32Array.from({ length: 12 }, (_, i) => i * 0.5 - 2) },
  { dtype: 'float64', shape: [2, 2, 2], data: Float64Array.from([1e-300, -1, Math.PI, 0, 5, 6, 7, 8]) },
  { dtype: 'int32', shape: [5], data: Int32Array.from([-1, 0, 1, 2147483647, -2147483648]) },
  { dtype: 'int64', shape: [2, 1], data: BigInt64Array.from([-1n, 9007199254740993n]) },
  { dtype: 'uint8', shape: [0], data: new Uint8Array(0) },
  { dtype: 'bool', shape: [3], data: Uint8Array.from([1, 0, 1]) },
];

test('npy round-trips every dtype and shape', () => {
  for (const a of samples) {
    const p = join(dir, `${a.dtype}.npy`);
    writeNpy(p, a);
    const b = readNpy(p);
    assert.equal(b.dtype, a.dtype);
    assert.deepEqual(b.shape, a.shape);
    assert.deepEqual(Array.from(b.data as ArrayLike<number | bigint>), Array.from(a.data as ArrayLike<number | bigint>));
    // numpy's alignment rule: the data starts at a multiple of 64
    const bytes = readFileSync(p);
    assert.equal((10 + bytes.readUInt16LE(8)) % 64, 0);
  }
});

test('npz round-trips stored and compressed members', () => {
  for (const compress of [false, true]) {
    const p = join(dir, `all-${compress}.npz`);
    writeNpz(p, Object.fromEntries(samples.map((a) => [a.dtype, a])), { compress });
    const got = readNpz(p);
    assert.deepEqual(Object.keys(got).sort(), samples.map((a) => a.dtype).sort());
    for (const a of samples) assert.deepEqual(Array.from(got[a.dtype].data as ArrayLike<number>), Array.from(a.data as ArrayLike<number>));
  }
});

test('features: .npy, .npz key choice, .bin with dim', () => {
  const m = { data: Float32Array.from({ length: 12 }, (_, i) => i), rows: 4, cols: 3 };
  writeFeatures(join(dir, 'f.npy'), m);
  writeFeatures(join(dir, 'f.bin'), m);
  assert.deepEqual(readFeatures(join(dir, 'f.npy')), m);
  assert.deepEqual(readFeatures(join(dir, 'f.bin'), { dim: 3 }), m);
  writeNpz(join(dir, 'n.npz'), { embs: { dtype: 'float64', shape: [4, 3], data: Float64Array.from(m.data) }, labels: { dtype: 'int64', shape: [4], data: BigInt64Array.from([0n, 0n, 1n, -1n]) } });
  assert.deepEqual(readFeatures(join(dir, 'n.npz')), m);
  const naan = readNaanFeats(join(dir, 'n.npz'));
  assert.deepEqual(Array.from(naan.labels), [0, 0, 1, -1]);
  assert.deepEqual(naan.embs, m);
});

test('labels: text and npy, −1 kept', () => {
  writeLabels(join(dir, 'l.meta'), [3, -1, 0, 7]);
  assert.equal(readFileSync(join(dir, 'l.meta'), 'utf8'), '3\n-1\n0\n7\n');
  assert.deepEqual(Array.from(readLabels(join(dir, 'l.meta'))), [3, -1, 0, 7]);
  assert.deepEqual(Array.from(readLabels(join(dir, 'int32.npy'))), [-1, 0, 1, 2147483647, -2147483648]);
});

test('kNN files round-trip in both formats', () => {
  const g = { n: 3, k: 2, indices: Int32Array.from([0, 2, 1, 0, 2, -1]), distances: Float32Array.from([0, 0.25, 0, 0.5, 0, 1]) };
  writeKnnLearnToCluster(join(dir, 'faiss_k_2.npz'), g);
  const raw = readNpz(join(dir, 'faiss_k_2.npz')).data;
  assert.equal(raw.dtype, 'float64');
  assert.deepEqual(raw.shape, [3, 2, 2]);
  assert.deepEqual(readKnn(join(dir, 'faiss_k_2.npz')), g);
  writeKnnNaan(join(dir, 'x_knn.npy'), g);
  const back = readKnn(join(dir, 'x_knn.npy'));
  assert.deepEqual(back.indices, g.indices);
  assert.ok(back.distances.every(Number.isNaN));
});

test('inspect describes arrays with statistics', () => {
  const d = describeFile(join(dir, 'float32.npy'));
  assert.equal(d.format, 'npy');
  assert.deepEqual(d.arrays.array.shape, [3, 4]);
  assert.equal(d.arrays.array.stats?.min, -2);
  assert.equal(d.arrays.array.stats?.max, 3.5);
  assert.equal(d.arrays.array.stats?.nanCount, 0);
  const l = describeFile(join(dir, 'l.meta'));
  assert.deepEqual(l.labels, { count: 4, distinct: 4, minusOne: 1 });
});

test('atomic write keeps the old file when writing fails and leaves no temp file', () => {
  const p = join(dir, 'keep.txt');
  writeFileAtomic(p, 'old');
  const bad = { dtype: 'float32' as const, shape: [5], data: new Float32Array(4) };
  assert.throws(() => writeNpy(join(dir, 'keep.txt'), bad), /shape \(5\) has 4 elements/);
  assert.equal(readFileSync(p, 'utf8'), 'old');
  assert.throws(() => writeFileAtomic(join(dir, 'no-such-dir', 'x'), 'y'), /cannot write/);
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp-')), []);
  assert.ok(!existsSync(join(dir, 'no-such-dir')));
});
