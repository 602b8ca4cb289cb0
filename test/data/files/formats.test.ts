import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  readNpy, writeNpy, readNpz, writeNpz, readFeatures, writeFeatures, readLabels, writeLabels,
  readKnn, writeKnnLearnToCluster, writeKnnNaan, readNaanFeats, writeFileAtomic, writeFileAtomicWith, describeFile,
  type NdArray,
} from '../../../src/data/files/index.js';
import { tempDir } from '../../helpers/temp.js';

const dir = tempDir('facet-files-');

const samples: NdArray[] = [
  { dtype: 'float32', shape: [3, 4], data: Float32Array.from({ length: 12 }, (_, i) => i * 0.5 - 2) },
  { dtype: 'float64', shape: [2, 2, 2], data: Float64Array.from([1e-300, -1, Math.PI, 0, 5, 6, 7, 8]) },
  { dtype: 'int32', shape: [5], data: Int32Array.from([-1, 0, 1, 2147483647, -2147483648]) },
  { dtype: 'int64', shape: [2, 1], data: BigInt64Array.from([-1n, 9007199254740993n]) },
  { dtype: 'uint8', shape: [0], data: new Uint8Array(0) },
  { dtype: 'bool', shape: [3], data: Uint8Array.from([1, 0, 1]) },
];

test('npy round-trips every dtype with every header version', () => {
  for (const a of samples) {
    for (const version of [1, 2, 3] as const) {
      const p = join(dir, `${a.dtype}-v${version}.npy`);
      writeNpy(p, a, { version });
      const b = readNpy(p);
      assert.equal(b.dtype, a.dtype);
      assert.deepEqual(b.shape, a.shape);
      assert.deepEqual(Array.from(b.data as ArrayLike<number | bigint>), Array.from(a.data as ArrayLike<number | bigint>));
      // numpy's alignment rule: the data starts at a multiple of 64
      const bytes = readFileSync(p);
      assert.equal(bytes[6], version);
      assert.equal(version === 1 ? 10 + bytes.readUInt16LE(8) : 12 + bytes.readUInt32LE(8), bytes.length - a.data.byteLength);
      assert.equal((bytes.length - a.data.byteLength) % 64, 0);
    }
    writeNpy(join(dir, `${a.dtype}.npy`), a);
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

test('features: .npy, .npz key choice, .bin with dim; each read lands in a buffer of exactly its size', () => {
  const m = { data: Float32Array.from({ length: 12 }, (_, i) => i), rows: 4, cols: 3 };
  writeFeatures(join(dir, 'f.npy'), m);
  writeFeatures(join(dir, 'f.bin'), m);
  writeNpz(join(dir, 'stored.npz'), { features: { dtype: 'float32', shape: [4, 3], data: m.data } });
  for (const [file, opts] of [['f.npy', {}], ['f.bin', { dim: 3 }], ['stored.npz', {}]] as const) {
    const got = readFeatures(join(dir, file), opts);
    assert.deepEqual(got, m, file);
    // no whole-file buffer behind the array: it was read straight into its own
    assert.equal(got.data.buffer.byteLength, 48, file);
  }
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
  writeNpy(join(dir, 'l.npy'), { dtype: 'int64', shape: [3], data: BigInt64Array.from([5n, -1n, 2147483647n]) });
  assert.deepEqual(Array.from(readLabels(join(dir, 'l.npy'))), [5, -1, 2147483647]);
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

test('atomic write: a failure half-way keeps the old file and leaves no temp file', () => {
  const p = join(dir, 'keep.txt');
  writeFileAtomic(p, 'old');
  assert.throws(
    () => writeFileAtomicWith(p, (write) => { write('new, half written'); throw new Error('disk full'); }),
    (e: Error) => e.message === `${p}: cannot write (disk full)`,
  );
  assert.equal(readFileSync(p, 'utf8'), 'old');
  const bad = { dtype: 'float32' as const, shape: [5], data: new Float32Array(4) };
  assert.throws(() => writeNpy(p, bad), (e: Error) => e.message === `${p}: cannot write (array of shape (5) has 4 elements)`);
  assert.equal(readFileSync(p, 'utf8'), 'old');
  assert.throws(() => writeFileAtomic(join(dir, 'no-such-dir', 'x'), 'y'), /no-such-dir\/x: cannot write \(no such file or folder/);
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp-')), []);
  assert.ok(!existsSync(join(dir, 'no-such-dir')));
});
