import { BroadFaceHead } from '../heads/broadface.js';
import { marginLoss } from '../heads/margin-loss.js';
import { xavierUniform } from '../models/embedding-model.js';
import type { Random } from '../data/random.js';
import type { TrainConfig } from './config.js';

export interface MarginSettings { kind: 'arcface' | 'cosface'; scale: number; margin: number }

function marginSettings(c: TrainConfig): MarginSettings {
  return { kind: c.loss === 'cosface' ? 'cosface' : 'arcface', scale: c.scale, margin: c.margin ?? (c.loss === 'cosface' ? 0.35 : 0.5) };
}

/** One classifier head: its class weights W (C×d), and the BroadFace queue when the loss has one. */
export class ClassifierHead {
  readonly weight: Float32Array;
  readonly broadFace?: BroadFaceHead;
  private readonly margin: MarginSettings;

  constructor(readonly numClasses: number, readonly dim: number, c: TrainConfig, rng: Random) {
    this.weight = xavierUniform(dim, numClasses, numClasses * dim, () => rng.next());
    const m = marginSettings(c);
    if (c.loss === 'broadface') this.broadFace = new BroadFaceHead(numClasses, dim, { ...m, queueSize: c.queueSize, compensate: c.compensate });
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
