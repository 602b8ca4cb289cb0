import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fallbackKernels, kernels, setThreads, threads, type Kernels } from '../../src/compute/index.js';
import { marginNamed } from '../../src/heads/margins.js';
import { rand } from '../nn/grad-check.js';

const native = kernels().name === 'native' ? kernels() : undefined;

interface Rows { z: Float32Array; rows: number; classes: number; labels: Int32Array; phi: Float64Array; dphi: Float64Array; fallbackRows: number }

/**
 * `rows` rows of cosines in [−0.4, 0.4], labels over the whole range (first and last class included), phi
 * from ArcFace's target (m = 0.5). Row 1's label cosine is −0.95, beyond π − m (ArcFace's fallback branch);
 * row 2's is 0.99, its target logit the row's largest; row 3's label is class 0, row 4's the last class.
 */
function arcFaceRows(rows: number, classes: number, seed: number): Rows {
  const z = rand(rows * classes, seed, 0.4);
  const labels = Int32Array.from(rand(rows, seed + 1), (v) => Math.floor(((v + 1) / 2) * classes) % classes);
  labels[3] = 0;
  labels[4] = classes - 1;
  z[1 * classes + labels[1]] = -0.95;
  z[2 * classes + labels[2]] = 0.99;
  const phi = new Float64Array(rows), dphi = new Float64Array(rows);
  let fallbackRows = 0;
  for (let i = 0; i < rows; i++) {
    const t = marginNamed('arcface').target(z[i * classes + labels[i]], 0.5);
    phi[i] = t.phi;
    dphi[i] = t.dphi;
    if (t.fallback) fallbackRows++;
  }
  return { z, rows, classes, labels, phi, dphi, fallbackRows };
}

const norm = 1000;

function run(k: Kernels, r: Rows, scale: number): { loss: number; grad: Float32Array } {
  const grad = r.z.slice();
  const loss = k.marginSoftmaxRows(grad, r.rows, r.classes, r.labels, r.phi, r.dphi, scale, norm);
  return { loss, grad };
}

// 150 rows of 1,003 classes: split over two threads (≥ 65 rows each), and 1,003 is no multiple of the vector width
const sample = arcFaceRows(150, 1003, 7);

test('the sample rows hold ArcFace\'s fallback branch and a row whose label is its largest logit', () => {
  assert.equal(sample.fallbackRows, 1);
  const row2 = sample.z.subarray(2 * sample.classes, 3 * sample.classes);
  assert.ok(sample.phi[2] > Math.max(...Array.from(row2).filter((_, c) => c !== sample.labels[2])));
});

/**
 * Native and fallback differ in the exp (within 9e-15) and the order of each row's double sum, so: the loss within
 * 1e-12 relative; dL/dz off the label within 2 float32 ulps (each is a float32 rounding of e/sum); at the label,
 * (e_y/sum − 1) cancels when p_y → 1 (row 2), so there the bound also allows the sum's rounding, classes·2^−52
 * relative, times scale·dphi/norm.
 */
test('margin softmax rows: native and fallback agree (loss 1e-12 relative, dL/dz within 2 float32 ulps)', { skip: !native && 'native addon not built' }, () => {
  const { rows, classes, labels, dphi } = sample;
  // scale 64 (the reference's) and 2000, whose smallest exps fall below e^−708 (native: 0, Math.exp: denormal, both 0 in float32)
  for (const scale of [64, 2000]) {
    const a = run(native!, sample, scale), b = run(fallbackKernels, sample, scale);
    assert.ok(Math.abs(a.loss - b.loss) <= 1e-12 * Math.abs(b.loss), `scale ${scale}: loss ${a.loss} vs ${b.loss}`);
    for (let i = 0; i < rows; i++) {
      for (let c = 0; c < classes; c++) {
        const j = i * classes + c;
        const cancel = c === labels[i] ? (classes * 2 ** -52 * scale * Math.abs(dphi[i])) / norm : 0;
        assert.ok(Math.abs(a.grad[j] - b.grad[j]) <= 2 ** -22 * Math.abs(b.grad[j]) + 2 ** -149 + cancel, `scale ${scale} [${i}, ${c}]: ${a.grad[j]} vs ${b.grad[j]}`);
      }
    }
  }
});

test('native margin softmax rows do not depend on the thread count', { skip: !native && 'native addon not built' }, () => {
  const keep = threads();
  try {
    setThreads(1);
    const one = run(native!, sample, 64);
    setThreads(2);
    const two = run(native!, sample, 64);
    assert.equal(one.loss, two.loss);
    assert.deepEqual(one.grad, two.grad);
  } finally {
    setThreads(keep);
  }
});

test('margin softmax rows: cross-entropy of the margin logits and softmax − one-hot through dphi', () => {
  // one row: logits s·z off the label, s·phi at it (label 1); loss = logΣexp − s·phi, dL/dz = s·p/n, (p_y − 1)·s·dphi/n
  const s = 10, n = 4, phi = 0.3, dphi = 2, z = Array.from(Float32Array.of(0.1, 0.5, -0.2));
  const logits = [s * z[0], s * phi, s * z[2]];
  const lse = Math.log(logits.reduce((a, l) => a + Math.exp(l), 0));
  const p = logits.map((l) => Math.exp(l - lse));
  for (const k of [fallbackKernels, ...(native ? [native] : [])]) {
    const g = Float32Array.from(z);
    const loss = k.marginSoftmaxRows(g, 1, 3, Int32Array.of(1), Float64Array.of(phi), Float64Array.of(dphi), s, n);
    assert.ok(Math.abs(loss - (lse - s * phi)) < 1e-12, `${k.name} loss ${loss}`);
    const want = [(s * p[0]) / n, ((p[1] - 1) * s * dphi) / n, (s * p[2]) / n];
    for (let c = 0; c < 3; c++) assert.ok(Math.abs(g[c] - want[c]) < 1e-6 * Math.abs(want[c]), `${k.name} [${c}]: ${g[c]} vs ${want[c]}`);
  }
});

test('margin softmax rows: bad labels, short arrays and a non-positive scale are refused by name', () => {
  for (const k of [fallbackKernels, ...(native ? [native] : [])]) {
    const z = new Float32Array(6), one = Float64Array.of(0, 0);
    assert.throws(() => k.marginSoftmaxRows(z, 2, 3, Int32Array.of(0, 3), one, one, 64, 2), /marginSoftmaxRows: label 3 of row 1 is outside 0…2/);
    assert.throws(() => k.marginSoftmaxRows(z.subarray(1), 2, 3, Int32Array.of(0, 1), one, one, 64, 2), /marginSoftmaxRows: z has 5 values, the shape needs 6/);
    assert.throws(() => k.marginSoftmaxRows(z, 2, 3, Int32Array.of(0, 1), one.subarray(1), one, 64, 2), /marginSoftmaxRows: phi has 1 values/);
    assert.throws(() => k.marginSoftmaxRows(z, 2, 3, Int32Array.of(0, 1), one, one, 0, 2), /marginSoftmaxRows: scale must be positive, got 0/);
  }
});
