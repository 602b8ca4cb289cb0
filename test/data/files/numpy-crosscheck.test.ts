import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readNpy, readNpz, writeNpy, writeNpz, readKnn, writeKnnLearnToCluster } from '../../../src/data/files/index.js';
import { haveNumpy, python } from '../../helpers/python.js';
import { tempDir } from '../../helpers/temp.js';

const skip = !haveNumpy() && 'Debian python3-numpy not installed (scripts/install-system-deps.sh installs it)';
const dir = tempDir('facet-np-');

test('files numpy writes are read exactly (all dtypes, v1/v2/v3 headers, savez and savez_compressed)', { skip }, () => {
  python(`
import numpy as np, sys, numpy.lib.format as f
d = sys.argv[1]
rng = np.random.default_rng(0)
arrs = {'f4': rng.standard_normal((7, 5)).astype(np.float32), 'f8': rng.standard_normal((3, 2, 2)),
        'i4': np.arange(-5, 5, dtype=np.int32), 'i8': np.array([-1, 2**40], dtype=np.int64),
        'u1': np.arange(250, 256, dtype=np.uint8), 'b': np.array([True, False, True])}
for k, a in arrs.items(): np.save(f'{d}/{k}.npy', a)
for v in [(2, 0), (3, 0)]:
    with open(f'{d}/v{v[0]}.npy', 'wb') as fh: f.write_array(fh, arrs['f4'], version=v)
np.savez(f'{d}/s.npz', **arrs)
np.savez_compressed(f'{d}/c.npz', **arrs)
np.savez_compressed(f'{d}/faiss_k_3.npz', data=np.array([(np.array([0, 2, 1], dtype=np.int32), np.array([0, .1, .2], dtype=np.float32)), (np.array([1, 0, 2], dtype=np.int32), np.array([0, .3, .4], dtype=np.float32)), (np.array([2, 1, 0], dtype=np.int32), np.array([0, .5, .6], dtype=np.float32))]))
for k, a in arrs.items(): np.savetxt(f'{d}/{k}.txt', a.reshape(-1).astype(np.float64), fmt='%.17g')
`, [dir]);
  const expected = (k: string) => python('import numpy as np,sys; print(open(sys.argv[1]).read())', [join(dir, `${k}.txt`)]).trim().split('\n').map(Number);
  for (const k of ['f4', 'f8', 'i4', 'u1', 'b']) {
    const got = Array.from(readNpy(join(dir, `${k}.npy`)).data as ArrayLike<number>);
    assert.deepEqual(got.map((v) => (k === 'f4' ? Math.fround(v) : v)), expected(k).map((v) => (k === 'f4' ? Math.fround(v) : v)), k);
  }
  assert.deepEqual(Array.from(readNpy(join(dir, 'i8.npy')).data as BigInt64Array), [-1n, 2n ** 40n]);
  for (const v of ['v2', 'v3']) assert.deepEqual(readNpy(join(dir, `${v}.npy`)).data, readNpy(join(dir, 'f4.npy')).data);
  for (const z of ['s', 'c']) {
    const got = readNpz(join(dir, `${z}.npz`));
    assert.deepEqual(got.f8.shape, [3, 2, 2]);
    assert.deepEqual(got.f8.data, readNpy(join(dir, 'f8.npy')).data);
  }
  // learn-to-cluster's dump2npz of [(int32 nbrs, float32 dists), …]: numpy promotes the pairs to float64
  assert.equal(readNpz(join(dir, 'faiss_k_3.npz')).data.dtype, 'float64');
  const knn = readKnn(join(dir, 'faiss_k_3.npz'));
  assert.deepEqual(Array.from(knn.indices), [0, 2, 1, 1, 0, 2, 2, 1, 0]);
  assert.ok(Math.abs(knn.distances[5] - 0.4) < 1e-7);
});

test('files facet writes are read exactly by numpy', { skip }, () => {
  writeNpy(join(dir, 'w.npy'), { dtype: 'float32', shape: [2, 3], data: Float32Array.from([1.5, -2, 3.25, 0, 1e-8, 7]) });
  writeNpy(join(dir, 'w8.npy'), { dtype: 'int64', shape: [2], data: BigInt64Array.from([-3n, 2n ** 50n]) });
  writeNpz(join(dir, 'w.npz'), { a: { dtype: 'int32', shape: [3], data: Int32Array.from([1, -1, 2]) }, b: { dtype: 'bool', shape: [2], data: Uint8Array.from([0, 1]) } }, { compress: true });
  writeNpz(join(dir, 'stored.npz'), { embs: { dtype: 'float64', shape: [2, 2], data: Float64Array.from([0.1, -0.2, 1e300, 5e-324]) }, labels: { dtype: 'uint8', shape: [2], data: Uint8Array.from([0, 255]) } });
  for (const version of [2, 3] as const) writeNpy(join(dir, `wv${version}.npy`), { dtype: 'int32', shape: [3], data: Int32Array.from([7, -8, 9]) }, { version });
  writeKnnLearnToCluster(join(dir, 'faiss_k_2.npz'), { n: 2, k: 2, indices: Int32Array.from([0, 1, 1, 0]), distances: Float32Array.from([0, 0.5, 0, 0.5]) });
  const out = python(`
import numpy as np, sys, json
d = sys.argv[1]
w = np.load(f'{d}/w.npy'); w8 = np.load(f'{d}/w8.npy'); z = np.load(f'{d}/w.npz'); k = np.load(f'{d}/faiss_k_2.npz')['data']
print(json.dumps({'w': w.tolist(), 'wd': str(w.dtype), 'w8': [str(x) for x in w8], 'a': z['a'].tolist(), 'b': z['b'].tolist(),
  'stored': np.load(f'{d}/stored.npz')['embs'].tolist(), 'u8': np.load(f'{d}/stored.npz')['labels'].tolist(),
  'v': [[np.lib.format.read_magic(open(f'{d}/wv{v}.npy', 'rb'))[0], np.load(f'{d}/wv{v}.npy').tolist()] for v in (2, 3)],
  'kshape': list(k.shape), 'kd': str(k.dtype), 'nbrs': k[:, 0, :].astype(np.int32).tolist(), 'dist': k[:, 1, :].tolist()}))
`, [dir]);
  const got = JSON.parse(out);
  assert.deepEqual(got.w, [[1.5, -2, 3.25], [0, Math.fround(1e-8), 7]]);
  assert.equal(got.wd, 'float32');
  assert.deepEqual(got.w8, ['-3', String(2n ** 50n)]);
  assert.deepEqual(got.a, [1, -1, 2]);
  assert.deepEqual(got.b, [false, true]);
  assert.deepEqual(got.stored, [[0.1, -0.2], [1e300, 5e-324]]);
  assert.deepEqual(got.u8, [0, 255]);
  assert.deepEqual(got.v, [[2, [7, -8, 9]], [3, [7, -8, 9]]]);
  assert.deepEqual(got.kshape, [2, 2, 2]);
  assert.equal(got.kd, 'float64');
  assert.deepEqual(got.nbrs, [[0, 1], [1, 0]]);
  assert.deepEqual(got.dist, [[0, 0.5], [0, 0.5]]);
});
