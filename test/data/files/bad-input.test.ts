import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy, writeNpy, readFeatures, readLabels, readKnn, readNpz, writeNpz, writeFeatures, readNaanFeats } from '../../../src/data/files/index.js';
import { tempDir } from '../../helpers/temp.js';

const dir = tempDir('facet-bad-');
const good = join(dir, 'good.npy');
writeNpy(good, { dtype: 'float32', shape: [4, 2], data: new Float32Array(8).fill(1) });
const goodBytes = readFileSync(good);

function withHeader(dict: string, data = new Uint8Array(32)): string {
  const len = Math.ceil((10 + dict.length + 1) / 64) * 64 - 10;
  const h = Buffer.alloc(10 + len, 0x20);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(h);
  h.writeUInt16LE(len, 8);
  h.write(dict, 10, 'latin1');
  h[10 + len - 1] = 0x0a;
  const p = join(dir, `h${Math.random().toString(36).slice(2)}.npy`);
  writeFileSync(p, Buffer.concat([h, data]));
  return p;
}

test('truncated .npy names the file and the byte counts', () => {
  const p = join(dir, 'trunc.npy');
  writeFileSync(p, goodBytes.subarray(0, goodBytes.length - 4));
  assert.throws(() => readNpy(p), (e: Error) => e.message.startsWith(p) && /truncated.*needs 32 data bytes, file has 28/.test(e.message));
});

test('wrong magic, Fortran order, object dtype, shape/size mismatch', () => {
  const p = join(dir, 'magic.npy');
  writeFileSync(p, Buffer.from('PK\x03\x04 not numpy at all'));
  assert.throws(() => readNpy(p), /magic\.npy: not a \.npy file \(wrong magic\)/);
  assert.throws(() => readNpy(withHeader("{'descr': '<f4', 'fortran_order': True, 'shape': (4, 2), }")), /Fortran-order/);
  assert.throws(() => readNpy(withHeader("{'descr': '|O', 'fortran_order': False, 'shape': (4,), }")), /object \(pickled\) arrays are not supported/);
  assert.throws(() => readNpy(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }")), /size does not match shape/);
  assert.throws(() => readNpy(withHeader("{'descr': '>f4', 'fortran_order': False, 'shape': (4, 2), }")), /unsupported dtype '>f4'/);
});

test('NaN/Inf features are refused with the row; allowed for inspection', () => {
  const m = { data: Float32Array.from([1, 2, 3, NaN, 5, 6]), rows: 3, cols: 2 };
  const p = join(dir, 'nan.npy');
  writeFeatures(p, m);
  assert.throws(() => readFeatures(p), /nan\.npy: row 1 holds NaN or Inf/);
  assert.equal(readFeatures(p, { allowNonFinite: true }).rows, 3);
  const q = join(dir, 'inf.bin');
  writeFeatures(q, { data: Float32Array.from([1, 2, 3, 4, Infinity, 6]), rows: 3, cols: 2 });
  assert.throws(() => readFeatures(q, { dim: 2 }), /row 2 holds NaN or Inf/);
});

test('.bin needs a dim that divides the file, 1-D features and wrong dims are refused', () => {
  const p = join(dir, 'f.bin');
  writeFileSync(p, new Uint8Array(40));
  assert.throws(() => readFeatures(p), /needs its dimension/);
  assert.throws(() => readFeatures(p, { dim: 3 }), /not a whole number of float32 rows of dimension 3/);
  const one = join(dir, 'one.npy');
  writeNpy(one, { dtype: 'float32', shape: [4], data: new Float32Array(4) });
  assert.throws(() => readFeatures(one), /2-D array/);
  assert.throws(() => readFeatures(good, { dim: 3 }), /dimension 2, expected 3/);
  assert.throws(() => readFeatures(join(dir, 'missing.npy')), /missing\.npy: cannot open \(no such file or folder\)/);
});

test('labels: count mismatch, non-integers, float npy', () => {
  const p = join(dir, 'l.meta');
  writeFileSync(p, '1\n2\nthree\n');
  assert.throws(() => readLabels(p), /l\.meta: line 3 is not an integer label: "three"/);
  writeFileSync(p, '1\n2\n3\n');
  assert.throws(() => readLabels(p, { expectedCount: 4 }), /l\.meta: 3 labels for 4 rows/);
  assert.throws(() => readLabels(good), /labels must be a 1-D array/);
  const f = join(dir, 'lf.npy');
  writeNpy(f, { dtype: 'float32', shape: [2], data: Float32Array.from([1, 2]) });
  assert.throws(() => readLabels(f), /lf\.npy: labels must be integers, got float32/);
  const big = join(dir, 'lbig.npy');
  writeNpy(big, { dtype: 'int64', shape: [2], data: BigInt64Array.from([0n, 2n ** 40n]) });
  assert.throws(() => readLabels(big), /lbig\.npy: label 1099511627776 at index 1 out of range/);
});

test('NAAN feats: label count differs from embedding count, missing key', () => {
  const p = join(dir, 'split_feats.npz');
  writeNpz(p, { embs: { dtype: 'float32', shape: [3, 2], data: new Float32Array(6).fill(0.5) }, labels: { dtype: 'int64', shape: [2], data: BigInt64Array.from([0n, 1n]) } });
  assert.throws(() => readNaanFeats(p), (e: Error) => e.message === `${p}: 2 labels for 3 embeddings`);
  const q = join(dir, 'nolabels_feats.npz');
  writeNpz(q, { embs: { dtype: 'float32', shape: [1, 2], data: new Float32Array(2) } });
  assert.throws(() => readNaanFeats(q), /nolabels_feats\.npz: no "labels" array/);
});

test('npz: truncated archive, damaged compressed member, unknown key', () => {
  const p = join(dir, 'ok.npz');
  writeNpz(p, { embs: { dtype: 'float32', shape: [64, 4], data: Float32Array.from({ length: 256 }, (_, i) => i) } }, { compress: true });
  const bytes = readFileSync(p);
  const cut = join(dir, 'cut.npz');
  writeFileSync(cut, bytes.subarray(0, bytes.length - 30));
  assert.throws(() => readNpz(cut), /cut\.npz: not a readable \.npz \(no zip directory: truncated, or not a zip file\)/);
  const flipped = Buffer.from(bytes);
  flipped[200] ^= 0xff; // inside the deflated member
  const bad = join(dir, 'flipped.npz');
  writeFileSync(bad, flipped);
  assert.throws(() => readNpz(bad), /flipped\.npz\[embs\.npy\]: damaged (compressed data|\(CRC mismatch\))/);
  assert.throws(() => readFeatures(p, { key: 'feats' }), /ok\.npz: no array "feats" \(arrays: embs\)/);
});

test('kNN files: wrong shape, out-of-range neighbour, not a zip', () => {
  const p = join(dir, 'bad_knn.npy');
  writeNpy(p, { dtype: 'int32', shape: [2, 2], data: Int32Array.from([0, 1, 1, 5]) });
  assert.throws(() => readKnn(p), /neighbour index 5 at row 1 is outside 0…1/);
  const z = join(dir, 'fake.npz');
  writeFileSync(z, 'not a zip');
  assert.throws(() => readNpz(z), /fake\.npz: not a readable \.npz/);
});
