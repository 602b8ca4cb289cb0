import { lossNames, marginNamed, resolveLoss } from '../heads/margins.js';
import { BACKBONES, type BackboneName } from '../models/backbones.js';
import { optimizerKinds, type OptimizerKind } from '../nn/optimizer.js';

/** A registered margin (arcface, cosface, subcenter-arcface, …) or the alias broadface (ArcFace + queue). */
export type LossKind = string;
export type ModelKind = BackboneName;
export const modelKinds = Object.keys(BACKBONES) as ModelKind[];

/** A training run's settings. */
export interface TrainConfig {
  loss: LossKind;
  /** BroadFace queue rows, for any margin (0: no queue, except --loss broadface) */
  queueSize: number;
  compensate: boolean;
  scale: number;
  /** the margin's default when not given (ArcFace 0.5, CosFace 0.35) */
  margin?: number;
  model: ModelKind;
  /** MLP hidden layer widths */
  hidden: number[];
  embeddingDim: number;
  epochs: number;
  batchSize: number;
  /** backbone learning rate */
  lr: number;
  /** head (W) learning rate; the reference uses one lr for both */
  headLr?: number;
  optimizer: OptimizerKind;
  weightDecay: number;
  momentum: number;
  milestones: number[];
  gamma: number;
  seed: number;
  /** evaluate Recall@K on the validation split after every epoch */
  evalKs: number[];
  /** save a checkpoint every this many steps (and at each epoch end) */
  checkpointEvery: number;
  /**
   * validate this fraction of an epoch apart, 0 < f ≤ 1 (0.25: three mid-epoch points and the epoch's
   * end); absent: once per epoch (facet semi/demo: enough for 8 points per model, autoValEvery)
   */
  valEvery?: number;
}

/**
 * The defaults of every training flag (facet train, semi and demo): a first run of a small model from
 * scratch, as the demo's published numbers were measured (scale 32, Adam at 1e-3, 10 epochs, no decay,
 * seed 0). The BroadFace reference's SOP run is --scale 64 --lr 1e-4 --epochs 100 --lr-decay-epochs 40,60,80.
 */
export const defaultTrainConfig: TrainConfig = {
  loss: 'arcface', queueSize: 0, compensate: false, scale: 32, model: 'mlp', hidden: [], embeddingDim: 128,
  epochs: 10, batchSize: 128, lr: 1e-3, optimizer: 'adam', weightDecay: 1e-5, momentum: 0.9,
  milestones: [], gamma: 0.2, seed: 0, evalKs: [1, 2, 4, 8, 16], checkpointEvery: 0,
};

const positiveInt = (v: number) => Number.isInteger(v) && v > 0;

/** Throws a clear error naming the option for any setting that cannot work. */
export function validateTrainConfig(c: TrainConfig): void {
  const bad = (opt: string, msg: string) => { throw new Error(`--${opt}: ${msg}`); };
  if (!lossNames().includes(c.loss)) bad('loss', `must be one of ${lossNames().join(', ')}, got "${c.loss}"`);
  if (!modelKinds.includes(c.model)) bad('model', `must be one of ${modelKinds.join(', ')}, got "${c.model}"`);
  if (!optimizerKinds.includes(c.optimizer)) bad('optimizer', `must be one of ${optimizerKinds.join(', ')}, got "${c.optimizer}"`);
  if (!(Number.isInteger(c.queueSize) && c.queueSize >= 0)) bad('queue-size', `must be a non-negative integer, got ${c.queueSize}`);
  const { margin, queue } = resolveLoss(c.loss);
  if (c.compensate && !queue && c.queueSize === 0) bad('compensate', `compensates queued embeddings: needs --queue-size N > 0 (loss ${c.loss} has no queue)`);
  if (!positiveInt(c.epochs)) bad('epochs', `must be a positive integer, got ${c.epochs}`);
  if (!positiveInt(c.batchSize)) bad('batch-size', `must be a positive integer, got ${c.batchSize}`);
  if (!positiveInt(c.embeddingDim)) bad('embedding-size', `must be a positive integer, got ${c.embeddingDim}`);
  if (!(c.lr > 0)) bad('lr', `must be positive, got ${c.lr}`);
  if (c.headLr !== undefined && !(c.headLr > 0)) bad('head-lr', `must be positive, got ${c.headLr}`);
  if (!(c.scale > 0)) bad('scale', `must be positive, got ${c.scale}`);
  // each margin says where it is meaningful (ArcFace: beyond π/2 the target logit can exceed no other)
  const m = marginNamed(margin);
  const { lo, hi, hiText } = m.validMargin;
  if (c.margin !== undefined && !(c.margin >= lo && c.margin < hi)) {
    bad('margin', `${c.margin}: ${m.title} margins are meaningful in [${lo}, ${hiText ?? hi}) (usual: ${m.defaultMargin})`);
  }
  if (!(c.weightDecay >= 0)) bad('weight-decay', `must be ≥ 0, got ${c.weightDecay}`);
  if (!c.hidden.every(positiveInt)) bad('hidden', `widths must be positive integers, got ${c.hidden.join(',')}`);
  if (!Number.isInteger(c.seed)) bad('seed', `must be an integer, got ${c.seed}`);
  if (c.valEvery !== undefined && !(c.valEvery > 0 && c.valEvery <= 1)) bad('val-every', `must be a fraction of an epoch in (0, 1], got ${c.valEvery}`);
}
