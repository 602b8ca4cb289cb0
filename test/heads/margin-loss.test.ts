import { test } from 'node:test';
import assert from 'node:assert/strict';
import { marginLoss, type MarginLossOptions } from '../../src/heads/margin-loss.js';
import { BroadFaceHead } from '../../src/heads/broadface.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}
const n = 7, d = 5, C = 4;
const r = rng(5);
const x = Float32Array.from({ length: n * d }, r);
const W = Float32Array.from({ length: C * d }, r);
const labels = Int32Array.from({ length: n }, (_, i) => i % C);
const input = { x, labels, n, weight: W, numClasses: C, dim: d };

test('gradients match finite differences (ArcFace and CosFace)', () => {
  for (const kind of ['arcface', 'cosface'] as const) {
    const o: MarginLossOptions = { kind, scale: 8, margin: kind === 'arcface' ? 0.3 : 0.2, wantGradX: true, wantGradW: true };
    const g = marginLoss(input, o);
    const h = 1e-2;
    for (const [arr, grad] of [[x, g.gradX!], [W, g.gradW!]] as const) {
      for (const i of [0, 3, 11, 17]) {
        const keep = arr[i];
        arr[i] = keep + h;
        const up = marginLoss(input, o).loss;
        arr[i] = keep - h;
        const down = marginLoss(input, o).loss;
        arr[i] = keep;
        const fd = (up - down) / (2 * h);
        assert.ok(Math.abs(fd - grad[i]) < 2e-3 + 2e-2 * Math.abs(fd), `${kind} [${i}]: fd ${fd} vs ${grad[i]}`);
      }
    }
  }
});

test('chunked computation equals one chunk', () => {
  const o = { kind: 'arcface' as const, scale: 64, margin: 0.5, wantGradX: true, wantGradW: true };
  const a = marginLoss(input, { ...o, chunkRows: 1 });
  const b = marginLoss(input, { ...o, chunkRows: 1024 });
  assert.ok(Math.abs(a.loss - b.loss) < 1e-9);
  for (let i = 0; i < a.gradW!.length; i++) assert.ok(Math.abs(a.gradW![i] - b.gradW![i]) < 1e-6);
  for (let i = 0; i < a.gradX!.length; i++) assert.equal(a.gradX![i], b.gradX![i]);
});

test('a row parallel to its class weight gives a finite loss and gradient (the reference gives NaN)', () => {
  const xs = Float32Array.from(W.subarray(0, d).map((v) => 3 * v));
  const g = marginLoss({ x: xs, labels: Int32Array.of(0), n: 1, weight: W, numClasses: C, dim: d }, { kind: 'arcface', scale: 64, margin: 0.5, wantGradX: true, wantGradW: true });
  assert.ok(Number.isFinite(g.loss));
  assert.ok(g.gradX!.every(Number.isFinite) && g.gradW!.every(Number.isFinite));
});

test('BroadFace with queue size 0 has exactly ArcFace gradients at every step', () => {
  const head = new BroadFaceHead(C, d, { kind: 'arcface', scale: 64, margin: 0.5, queueSize: 0, compensate: true });
  for (let step = 0; step < 3; step++) {
    const s = head.step(x, labels, W);
    const plain = marginLoss(input, { kind: 'arcface', scale: 64, margin: 0.5, wantGradX: true, wantGradW: true });
    assert.deepEqual(s.gradEmbedding, plain.gradX);
    assert.deepEqual(s.gradW, plain.gradW);
    assert.equal(s.loss, 2 * plain.loss);
    assert.equal(head.queue.length, 0);
  }
});

test('the queue keeps the newest rows, oldest first, with pre-update weight snapshots', () => {
  const head = new BroadFaceHead(C, d, { kind: 'arcface', scale: 64, margin: 0.5, queueSize: 10, compensate: false });
  for (let step = 0; step < 3; step++) head.step(x, labels, W); // 21 rows pushed
  const q = head.queue.snapshot();
  assert.equal(q.labels.length, 10);
  // rows 11…20 of the three batches: batch 2 rows 4…6, batch 3 rows 0…6
  assert.deepEqual(Array.from(q.labels), [4, 5, 6, 0, 1, 2, 3, 4, 5, 6].map((i) => labels[i]));
  assert.deepEqual(q.proxies.subarray(0, d), W.subarray(labels[4] * d, labels[4] * d + d));
});

test('bad input: label outside the classes, wrong sizes', () => {
  const o = { kind: 'arcface' as const, scale: 64, margin: 0.5, wantGradX: true, wantGradW: true };
  assert.throws(() => marginLoss({ ...input, labels: Int32Array.from([0, 1, 2, 3, 4, 0, 1]) }, o), /label 4 of row 4 is outside 0…3/);
  assert.throws(() => marginLoss({ ...input, n: 8 }, o), /expected 8×5/);
});
