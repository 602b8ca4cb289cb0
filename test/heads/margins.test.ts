import { test } from 'node:test';
import assert from 'node:assert/strict';
import { marginLoss, type MarginLossOptions } from '../../src/heads/margin-loss.js';
import { BroadFaceHead } from '../../src/heads/broadface.js';
import { lossNames, marginNamed, registerMargin, resolveLoss } from '../../src/heads/margins.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}
const n = 7, d = 5, C = 4, K = 3;
const r = rng(9);
const x = Float32Array.from({ length: n * d }, r);
const W = Float32Array.from({ length: C * K * d }, r);
const labels = Int32Array.from({ length: n }, (_, i) => i % C);
const input = { x, labels, n, weight: W, numClasses: C, dim: d };
const sub: MarginLossOptions = { kind: 'subcenter-arcface', scale: 8, margin: 0.3, wantGradX: true, wantGradW: true };

test('the registry: one entry per margin, broadface an alias of ArcFace with the queue on, unknown names listed', () => {
  assert.deepEqual(lossNames().slice(0, 3), ['arcface', 'cosface', 'subcenter-arcface']);
  assert.ok(lossNames().includes('broadface'));
  assert.deepEqual(resolveLoss('broadface'), { margin: 'arcface', queue: true });
  assert.deepEqual(resolveLoss('cosface'), { margin: 'cosface', queue: false });
  assert.equal(marginNamed('subcenter-arcface').subCenters, 3);
  assert.throws(() => resolveLoss('triplet'), /unknown margin "triplet": one of arcface, cosface, subcenter-arcface/);
  assert.throws(() => registerMargin('broadface', marginNamed('arcface')), /registered already/);
});

test('sub-center ArcFace: gradients match finite differences (W has C×K rows)', () => {
  const g = marginLoss(input, sub);
  assert.equal(g.gradW!.length, C * K * d);
  const h = 1e-2;
  for (const [arr, grad] of [[x, g.gradX!], [W, g.gradW!]] as const) {
    for (const i of [0, 3, 11, 17, 29, 34, 44, 58].filter((j) => j < arr.length)) {
      const keep = arr[i];
      arr[i] = keep + h;
      const up = marginLoss(input, sub).loss;
      arr[i] = keep - h;
      const down = marginLoss(input, sub).loss;
      arr[i] = keep;
      const fd = (up - down) / (2 * h);
      assert.ok(Math.abs(fd - grad[i]) < 2e-3 + 2e-2 * Math.abs(fd), `[${i}]: fd ${fd} vs ${grad[i]}`);
    }
  }
  assert.throws(() => marginLoss({ ...input, weight: W.subarray(0, C * d) }, sub), /expected 4×3×5/);
});

test('sub-center ArcFace with K equal sub-centres is ArcFace, its gradient on the first sub-centre only', () => {
  const W1 = W.subarray(0, C * d);
  const Wk = new Float32Array(C * K * d);
  for (let c = 0; c < C; c++) for (let k = 0; k < K; k++) Wk.set(W1.subarray(c * d, (c + 1) * d), (c * K + k) * d);
  const a = marginLoss({ ...input, weight: W1 }, { ...sub, kind: 'arcface' });
  const s = marginLoss({ ...input, weight: Wk }, sub);
  assert.ok(Math.abs(a.loss - s.loss) < 1e-6, `${a.loss} vs ${s.loss}`);
  for (let i = 0; i < a.gradX!.length; i++) assert.ok(Math.abs(a.gradX![i] - s.gradX![i]) < 1e-6);
  for (let c = 0; c < C; c++) {
    for (let j = 0; j < d; j++) {
      assert.ok(Math.abs(a.gradW![c * d + j] - s.gradW![c * K * d + j]) < 1e-6);
      for (let k = 1; k < K; k++) assert.equal(s.gradW![(c * K + k) * d + j], 0);
    }
  }
});

test('the queue is an option of any margin: queue size 0 gives the margin\'s own gradients; sub-centre proxies are the nearest sub-centre', () => {
  const plainInput = { ...input, weight: W.subarray(0, C * d) };
  const cos = new BroadFaceHead(C, d, { kind: 'cosface', scale: 16, margin: 0.2, queueSize: 0, compensate: true });
  const s = cos.step(x, labels, plainInput.weight);
  const plain = marginLoss(plainInput, { kind: 'cosface', scale: 16, margin: 0.2, wantGradX: true, wantGradW: true });
  assert.deepEqual(s.gradEmbedding, plain.gradX);
  assert.deepEqual(s.gradW, plain.gradW);
  const head = new BroadFaceHead(C, d, { kind: 'subcenter-arcface', scale: 16, margin: 0.3, queueSize: 20, compensate: true });
  head.step(x, labels, W);
  const q = head.queue.snapshot();
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    const cosOf = (row: number) => {
      let dot = 0, ww = 0;
      for (let j = 0; j < d; j++) { dot += x[i * d + j] * W[row * d + j]; ww += W[row * d + j] ** 2; }
      return dot / Math.sqrt(ww);
    };
    const rows = [0, 1, 2].map((k) => y * K + k);
    const best = rows.reduce((b, row) => (cosOf(row) > cosOf(b) ? row : b));
    assert.equal(q.proxyRows[i], best);
    assert.deepEqual(q.proxies.subarray(i * d, (i + 1) * d), W.subarray(best * d, (best + 1) * d));
  }
  // a second step compensates by the drift of that sub-centre, and its loss is finite
  const W2 = W.map((v) => v * 1.1 + 0.01);
  const t = head.step(x, labels, W2);
  assert.ok(Number.isFinite(t.loss) && t.queueLength === n);
});

test('a queue snapshot of an older checkpoint (no proxy rows) restores with each proxy its label\'s row', () => {
  const head = new BroadFaceHead(C, d, { kind: 'arcface', scale: 16, margin: 0.3, queueSize: 10, compensate: true });
  head.step(x, labels, W.subarray(0, C * d));
  const { features, proxies, labels: ys } = head.queue.snapshot();
  const restored = new BroadFaceHead(C, d, { kind: 'arcface', scale: 16, margin: 0.3, queueSize: 10, compensate: true });
  restored.queue.restore({ features, proxies, labels: ys });
  assert.deepEqual(restored.queue.snapshot(), head.queue.snapshot());
  assert.deepEqual(restored.step(x, labels, W.subarray(0, C * d)), head.step(x, labels, W.subarray(0, C * d)));
});
