import { FeatureQueue } from './feature-queue.js';
import { marginLoss } from './margin-loss.js';
import type { MarginOptions } from './margin.js';
import { marginNamed } from './margins.js';

export interface BroadFaceOptions extends MarginOptions {
  queueSize: number;
  /** drift compensation of queued embeddings (the paper's eq. 7) */
  compensate: boolean;
  chunkRows?: number;
}

export interface BroadFaceStep {
  /** batchLoss + broadLoss, the value the reference returns */
  loss: number;
  /** margin loss on the batch with W held constant: its gradient reaches only the encoder */
  batchLoss: number;
  /** margin loss on queue ∪ batch with inputs detached: its gradient reaches only W */
  broadLoss: number;
  /** B×d dL/d(embedding), from batchLoss */
  gradEmbedding: Float32Array;
  /** C×d dL/dW, from broadLoss */
  gradW: Float32Array;
  /** rows of the queue used in this step (before the batch was enqueued) */
  queueLength: number;
  /** (Q+B)×d the broad loss's input: compensated queue rows, then the batch */
  broadInput: Float32Array;
  broadLabels: Int32Array;
}

/**
 * The BroadFace queue on any margin head (BroadFace itself is ArcFace's). Each step computes both losses with the queue from before the step, then
 * enqueues the batch (raw embeddings, labels and the pre-update W rows of those labels).
 * Compensation ê = e + (‖e‖/‖p‖)(W_now[y] − p) is recomputed from the stored e and p every step and
 * never written back, as in the reference. A zero-norm snapshot gives no compensation where the
 * reference divides by zero. With K sub-centres per class, a queued row's proxy is the sub-centre
 * nearest to it when enqueued, and compensation follows that sub-centre's drift.
 */
export class BroadFaceHead {
  readonly queue: FeatureQueue;
  private readonly subCenters: number;

  constructor(readonly numClasses: number, readonly dim: number, readonly o: BroadFaceOptions) {
    this.queue = new FeatureQueue(o.queueSize, dim);
    this.subCenters = marginNamed(o.kind).subCenters ?? 1;
  }

  step(embedding: Float32Array, labels: Int32Array, weight: Float32Array): BroadFaceStep {
    const d = this.dim;
    const B = labels.length;
    const Q = this.queue.length;
    const broadInput = new Float32Array((Q + B) * d);
    const broadLabels = new Int32Array(Q + B);
    this.compensatedQueue(weight, broadInput, broadLabels);
    broadInput.set(embedding, Q * d);
    broadLabels.set(labels, Q);
    const common = { ...this.o, chunkRows: this.o.chunkRows };
    const batch = marginLoss(
      { x: embedding, labels, n: B, weight, numClasses: this.numClasses, dim: d },
      { ...common, wantGradX: true, wantGradW: false },
    );
    const broad = marginLoss(
      { x: broadInput, labels: broadLabels, n: Q + B, weight, numClasses: this.numClasses, dim: d },
      { ...common, wantGradX: false, wantGradW: true },
    );
    this.queue.push(embedding, labels, weight, this.subCenters > 1 ? this.nearestSubCenters(embedding, labels, weight) : labels);
    return {
      loss: batch.loss + broad.loss,
      batchLoss: batch.loss,
      broadLoss: broad.loss,
      gradEmbedding: batch.gradX!,
      gradW: broad.gradW!,
      queueLength: Q,
      broadInput,
      broadLabels,
    };
  }

  private compensatedQueue(weight: Float32Array, out: Float32Array, labelsOut: Int32Array): void {
    const q = this.queue;
    const d = this.dim;
    for (let i = 0; i < q.length; i++) {
      const s = q.slot(i);
      labelsOut[i] = q.labels[s];
      const w = q.proxyRows[s];
      const f = q.features.subarray(s * d, (s + 1) * d);
      const row = out.subarray(i * d, (i + 1) * d);
      row.set(f);
      if (!this.o.compensate) continue;
      const p = q.proxies.subarray(s * d, (s + 1) * d);
      let ff = 0, pp = 0;
      for (let j = 0; j < d; j++) { ff += f[j] * f[j]; pp += p[j] * p[j]; }
      if (pp === 0) continue;
      const ratio = Math.sqrt(ff) / Math.sqrt(pp);
      for (let j = 0; j < d; j++) row[j] += ratio * (weight[w * d + j] - p[j]);
    }
  }

  /** Per row, the W row (c·K + k) of its class's sub-centre with the largest cosine. */
  private nearestSubCenters(embedding: Float32Array, labels: Int32Array, weight: Float32Array): Int32Array {
    const d = this.dim, K = this.subCenters;
    return Int32Array.from(labels, (y, i) => {
      const e = embedding.subarray(i * d, (i + 1) * d);
      let best = y * K, bestCos = -Infinity;
      for (let r = y * K; r < (y + 1) * K; r++) {
        let dot = 0, ww = 0;
        for (let j = 0; j < d; j++) { dot += e[j] * weight[r * d + j]; ww += weight[r * d + j] ** 2; }
        const cos = ww > 0 ? dot / Math.sqrt(ww) : -Infinity;
        if (cos > bestCos) { bestCos = cos; best = r; }
      }
      return best;
    });
  }
}
