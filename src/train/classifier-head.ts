import { BroadFaceHead } from '../heads/broadface.js';
import { marginLoss } from '../heads/margin-loss.js';
import type { MarginOptions } from '../heads/margin.js';
import { marginNamed, resolveLoss } from '../heads/margins.js';
import { xavierUniform } from '../models/embedding-model.js';
import type { Random } from '../data/random.js';
import type { TrainConfig } from './config.js';

/** The margin head of a config: its registered margin, the scale, and m (the margin's default when not given). */
export function marginOptionsOf(c: TrainConfig): MarginOptions {
  const { margin } = resolveLoss(c.loss);
  return { kind: margin, scale: c.scale, margin: c.margin ?? marginNamed(margin).defaultMargin };
}

/** One classifier head: its class weights W (C×d, or C·K×d with K sub-centres), and the BroadFace queue when it has one. */
export class ClassifierHead {
  readonly weight: Float32Array;
  readonly broadFace?: BroadFaceHead;
  private readonly margin: MarginOptions;

  constructor(readonly numClasses: number, readonly dim: number, c: TrainConfig, rng: Random) {
    const m = marginOptionsOf(c);
    const rows = numClasses * (marginNamed(m.kind).subCenters ?? 1);
    this.weight = xavierUniform(dim, rows, rows * dim, () => rng.next());
    // the queue is an option of any margin; `--loss broadface` has it always on
    if (resolveLoss(c.loss).queue || c.queueSize > 0) this.broadFace = new BroadFaceHead(numClasses, dim, { ...m, queueSize: c.queueSize, compensate: c.compensate });
    this.margin = m;
  }

  /** Loss of the rows `embedding` (mean over them) with dL/de and dL/dW. */
  loss(embedding: Float32Array, labels: Int32Array): { loss: number; batchLoss: number; broadLoss: number; gradE: Float32Array; gradW: Float32Array } {
    if (this.broadFace) {
      const s = this.broadFace.step(embedding, labels, this.weight);
      return { loss: s.loss, batchLoss: s.batchLoss, broadLoss: s.broadLoss, gradE: s.gradEmbedding, gradW: s.gradW };
    }
    const s = marginLoss({ x: embedding, labels, n: labels.length, weight: this.weight, numClasses: this.numClasses, dim: this.dim }, { ...this.margin, wantGradX: true, wantGradW: true });
    return { loss: s.loss, batchLoss: s.loss, broadLoss: 0, gradE: s.gradX!, gradW: s.gradW! };
  }
}
