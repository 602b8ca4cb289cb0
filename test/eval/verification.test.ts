import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateVerification, kFoldAccuracy } from '../../src/eval/verification.js';
import { rocCurve, tarAtFar } from '../../src/eval/roc.js';
import { readPairs } from '../../src/eval/pairs-file.js';
import { tempDir } from '../helpers/temp.js';

test('k-fold accuracy: threshold chosen on the other folds, first best on ties', () => {
  // 20 pairs: same at distance 0.5, different at 1.5 — except one mislabelled pair in fold 0.
  const dist = Float64Array.from({ length: 20 }, (_, i) => (i % 2 ? 1.5 : 0.5));
  const same = Uint8Array.from({ length: 20 }, (_, i) => (i % 2 ? 0 : 1));
  const clean = kFoldAccuracy(dist, same, 10);
  assert.equal(clean.accuracy, 1);
  assert.deepEqual(clean.thresholds, Array(10).fill(0.51));
  same[1] = 1;
  const noisy = kFoldAccuracy(dist, same, 10);
  assert.equal(noisy.perFold[0], 0.5);
  assert.ok(Math.abs(noisy.accuracy - 0.95) < 1e-12);
  assert.ok(Math.abs(noisy.std - Math.sqrt((0.45 ** 2 + 9 * 0.05 ** 2) / 10)) < 1e-12);
});

test('ROC as sklearn (drop_intermediate) and TAR at the nearest FAR point', () => {
  const scores = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2];
  const same = [1, 1, 0, 1, 0, 0, 1, 0];
  const roc = rocCurve(scores, same);
  // sklearn 1.2.1 roc_curve on the same input (0.5 is dropped: collinear with its neighbours)
  assert.deepEqual(Array.from(roc.fpr), [0, 0, 0, 0.25, 0.25, 0.75, 0.75, 1]);
  assert.deepEqual(Array.from(roc.tpr), [0, 0.25, 0.5, 0.5, 0.75, 0.75, 1, 1]);
  assert.deepEqual(Array.from(roc.thresholds.subarray(1)), [0.9, 0.8, 0.7, 0.6, 0.4, 0.3, 0.2]);
  assert.ok(Math.abs(roc.thresholds[0] - 1.9) < 1e-12);
  const t = tarAtFar(roc, [0.01, 0.3]);
  // eval_ijbc.py flips the curve (np.flipud, "select largest tpr at same fpr") and takes the first nearest
  // point of the flipped arrays: of the three points at FPR 0 (nearest to 0.01) the one with TPR 0.5, of the
  // two at FPR 0.25 (nearest to 0.3) the one with TPR 0.75 (numpy on the same arrays gives 0.5 and 0.75).
  assert.equal(t[0].tar, 0.5);
  assert.equal(t[0].fprAtPoint, 0);
  assert.equal(t[0].threshold, 0.8);
  assert.equal(t[1].tar, 0.75);
  assert.equal(t[1].threshold, 0.6);
});

test('end to end from embeddings and a pairs file; bad pairs are named', () => {
  const dir = tempDir('facet-verif-');
  const lines = [];
  for (let i = 0; i < 20; i++) lines.push(i % 2 ? '0 2 0' : '0 1 1');
  writeFileSync(join(dir, 'pairs.txt'), '# idx1 idx2 same\n' + lines.join('\n') + '\n');
  const pairs = readPairs(join(dir, 'pairs.txt'));
  const emb = { data: Float32Array.from([1, 0, 0.9, 0.1, 0, 1]), rows: 3, cols: 2 };
  const r = evaluateVerification(emb, pairs);
  assert.equal(r.accuracy, 1);
  assert.equal(r.numSame, 10);
  assert.equal(r.tarAtFar.length, 6);
  writeFileSync(join(dir, 'bad.txt'), '0 1 1\n0 1 2\n');
  assert.throws(() => readPairs(join(dir, 'bad.txt')), /bad\.txt:2: expected "idx1 idx2 same"/);
  assert.throws(() => evaluateVerification(emb, { idx1: Int32Array.from([0, 0]), idx2: Int32Array.from([5, 1]), same: Uint8Array.from([1, 0]) }),
    /pair 0 refers to row 5, but there are 3 embeddings/);
});
