import { kernels } from '../compute/index.js';
import { marginLoss } from './margin-loss.js';
import { BroadFaceHead } from './broadface.js';

const flat = (m: number[][]) => Float32Array.from(m.flat());
const rows = (a: Float32Array, cols: number) => Array.from({ length: a.length / cols }, (_, i) => Array.from(a.subarray(i * cols, (i + 1) * cols)));

interface ArcFaceCase {
  d: number; num_classes: number; batch_size: number; scale: number; margin: number;
  x: number[][]; W: number[][]; labels: number[];
}

/** `facet golden arcface`: one batch through the ArcFace head. */
export function goldenArcFace(c: ArcFaceCase) {
  const r = marginLoss(
    { x: flat(c.x), labels: Int32Array.from(c.labels), n: c.batch_size, weight: flat(c.W), numClasses: c.num_classes, dim: c.d },
    { kind: 'arcface', scale: c.scale, margin: c.margin, wantGradX: true, wantGradW: true },
  );
  return { loss: r.loss, grad_x: rows(r.gradX!, c.d), grad_W: rows(r.gradW!, c.d) };
}

interface BroadFaceCase {
  d_in: number; d: number; num_classes: number; batch_size: number; steps: number; scale: number; margin: number;
  queue_size: number; compensate: boolean; lr: number;
  A0: number[][]; W0: number[][]; X: number[][][]; labels: number[][];
}

/** `facet golden broadface`: the reference's 4-step trajectory with a linear encoder e = X·A and plain SGD. */
export function goldenBroadFace(c: BroadFaceCase) {
  const k = kernels();
  const A = flat(c.A0);
  const W = flat(c.W0);
  const head = new BroadFaceHead(c.num_classes, c.d, { kind: 'arcface', scale: c.scale, margin: c.margin, queueSize: c.queue_size, compensate: c.compensate });
  const steps = [];
  for (let t = 0; t < c.steps; t++) {
    const X = flat(c.X[t]);
    const labels = Int32Array.from(c.labels[t]);
    const e = new Float32Array(c.batch_size * c.d);
    k.sgemm(false, false, c.batch_size, c.d, c.d_in, 1, X, A, 0, e);
    const s = head.step(e, labels, W);
    const gradA = new Float32Array(c.d_in * c.d);
    k.sgemm(true, false, c.d_in, c.d, c.batch_size, 1, X, s.gradEmbedding, 0, gradA);
    for (let i = 0; i < A.length; i++) A[i] -= c.lr * gradA[i];
    for (let i = 0; i < W.length; i++) W[i] -= c.lr * s.gradW[i];
    const q = head.queue.snapshot();
    steps.push({
      step: t + 1,
      queue_len_before: s.queueLength,
      embedding: rows(e, c.d),
      loss: s.loss,
      batch_loss: s.batchLoss,
      broad_loss: s.broadLoss,
      broad_input: rows(s.broadInput, c.d),
      broad_labels: Array.from(s.broadLabels),
      grad_A: rows(gradA, c.d),
      grad_W: rows(s.gradW, c.d),
      queue_after: { features: rows(q.features, c.d), labels: Array.from(q.labels), proxies: rows(q.proxies, c.d) },
      A_after: rows(A, c.d),
      W_after: rows(W, c.d),
    });
  }
  return { steps };
}
