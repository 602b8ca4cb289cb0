import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { readMat5 } from '../../../src/data/datasets/index.js';
import { writeMat5 } from './mat5-writer.js';

const vars = {
  annotations: { struct: [{ relative_im_path: 'car_ims/000001.jpg', class: [14] }, { relative_im_path: 'car_ims/000002.jpg', class: [3] }] },
  weights: [1.5, -2, 1e10],
};

for (const compress of [false, true]) {
  test(`MAT v5 ${compress ? 'miCOMPRESSED' : 'plain'}: struct arrays of char and double, numeric arrays`, () => {
    const m = readMat5(writeMat5(vars, { compress }), 'x.mat');
    assert.deepEqual(m.weights, { kind: 'numeric', dims: [1, 3], data: [1.5, -2, 1e10] });
    const a = m.annotations;
    assert.equal(a.kind, 'struct');
    if (a.kind !== 'struct') return;
    assert.deepEqual(a.fields, ['relative_im_path', 'class']);
    assert.deepEqual(a.elements[1].relative_im_path, { kind: 'char', dims: [1, 18], text: 'car_ims/000002.jpg' });
    assert.deepEqual(a.elements[0].class, { kind: 'numeric', dims: [1, 1], data: [14] });
  });
}

test('MAT v5 bad input: truncated file, damaged compression, not a MAT file', () => {
  const plain = writeMat5(vars);
  assert.throws(() => readMat5(plain.subarray(0, plain.length - 20), 'cars_annos.mat'), /cars_annos\.mat: not a valid MAT v5 file \(element of \d+ bytes at byte \d+ runs past the end/);
  const z = writeMat5(vars, { compress: true });
  z[140] ^= 0xff;
  assert.throws(() => readMat5(z, 'z.mat'), /z\.mat: not a valid MAT v5 file/);
  assert.throws(() => readMat5(Buffer.alloc(200), 'h.mat'), /h\.mat: not a valid MAT v5 file: no endian indicator/);
});
