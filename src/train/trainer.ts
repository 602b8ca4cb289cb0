import * as tf from '@tensorflow/tfjs-core';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Random } from '../data/random.js';
import { evaluateRetrieval } from '../eval/retrieval.js';
import { BroadFaceHead } from '../heads/broadface.js';
import { marginLoss } from '../heads/margin-loss.js';
import { embed, xavierUniform, type EmbeddingModel } from '../models/embedding-model.js';
import { progress } from '../cli/progress.js';
import { buildModel } from './build-model.js';
import { loadCheckpoint, saveCheckpoint, type Checkpoint } from './checkpoint.js';
import { validateTrainConfig, type TrainConfig } from './config.js';
import { emptyOptimizerState, optimizerUpdate, type OptimizerOptions, type OptimizerState } from './optimizer.js';
import { gatherRows, type Samples } from './samples.js';
import { multiStepLr } from './schedule.js';

export interface TrainOptions {
  runDir: string;
  config: TrainConfig;
  train: Samples;
  /** classes of the head (training labels must be 0…numClasses−1) */
  numClasses: number;
  /** class-disjoint validation samples, evaluated after each epoch */
  val?: Samples;
  /** continue from runDir/checkpoint.json */
  resume?: boolean;
  /** stop (with a checkpoint) after this many steps in total: interruption, for tests */
  stopAfterSteps?: number;
}

export interface TrainResult {
  model: EmbeddingModel;
  weight: Float32Array;
  head?: BroadFaceHead;
  history: Record<string, unknown>[];
  /** true when stopped early (Ctrl-C or stopAfterSteps) with a checkpoint saved */
  interrupted: boolean;
}

/**
 * Trains an embedding network with an ArcFace / CosFace / BroadFace head. Per step: the model's
 * forward in tfjs, the head's closed-form gradients in float code (src/heads), dL/d(embedding)
 * fed back into tfjs as the upstream gradient, then facet's optimiser on the model parameters and W.
 * Everything random comes from one seeded Random whose state is checkpointed, so a resumed run
 * continues the uninterrupted trajectory exactly.
 */
export async function train(o: TrainOptions): Promise<TrainResult> {
  const c = o.config;
  validateTrainConfig(c);
  checkLabels(o.train, o.numClasses);
  mkdirSync(o.runDir, { recursive: true });
  const metricsPath = join(o.runDir, 'metrics.jsonl');
  const ckpt = o.resume ? loadCheckpoint(o.runDir) : undefined;
  if (ckpt) checkSameConfig(ckpt, c, o.runDir);

  const rng = new Random(c.seed);
  const model = buildModel(c, o.train.sampleShape, rng);
  const d = c.embeddingDim;
  const weight = xavierUniform(d, o.numClasses, o.numClasses * d, () => rng.next());
  const margin = c.margin ?? (c.loss === 'cosface' ? 0.35 : 0.5);
  const marginOpts = { kind: c.loss === 'cosface' ? 'cosface' as const : 'arcface' as const, scale: c.scale, margin };
  const head = c.loss === 'broadface'
    ? new BroadFaceHead(o.numClasses, d, { ...marginOpts, queueSize: c.queueSize, compensate: c.compensate })
    : undefined;
  const opt: OptimizerOptions = { kind: c.optimizer, weightDecay: c.weightDecay, momentum: c.momentum, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
  let optState: OptimizerState = emptyOptimizerState();
  let epoch = 0, stepInEpoch = 0, globalStep = 0;
  let order: Int32Array | undefined;
  let history: Record<string, unknown>[] = [];
  /** running loss of the current epoch (checkpointed, so a resumed epoch reports the whole epoch's mean) */
  let epochLoss = { sum: 0, steps: 0 };
  let live = rng;

  if (ckpt) {
    for (const [name, v] of model.params) v.assign(tf.tensor(ckpt.params[name].data, ckpt.params[name].shape));
    weight.set(ckpt.weight);
    head?.queue.restore(ckpt.queue);
    optState = ckpt.optimizer;
    ({ epoch, stepInEpoch, globalStep, order, history, epochLoss } = ckpt);
    live = Random.restore(ckpt.rng);
    truncateLines(metricsPath, ckpt.metricsLines);
  } else {
    writeFileSync(metricsPath, '');
    writeFileSync(join(o.runDir, 'config.json'), JSON.stringify(c, null, 2) + '\n');
  }

  const save = () => saveCheckpoint(o.runDir, snapshot());
  const snapshot = (): Checkpoint => ({
    version: 1, config: { ...c }, epoch, stepInEpoch, globalStep, order: order ?? new Int32Array(0), rng: live.save(),
    params: Object.fromEntries([...model.params].map(([k, v]) => [k, { shape: v.shape, data: Float32Array.from(v.dataSync() as Float32Array) }])),
    weight, queue: head?.queue.snapshot() ?? { features: new Float32Array(0), proxies: new Float32Array(0), labels: new Int32Array(0) },
    optimizer: optState, metricsLines: countLines(metricsPath), history, epochLoss,
  });

  let stopRequested = false;
  const onSigint = () => { stopRequested = true; };
  process.on('SIGINT', onSigint);
  const log = (row: Record<string, unknown>) => appendFileSync(metricsPath, JSON.stringify(row) + '\n');
  const n = o.train.n;
  const stepsPerEpoch = Math.ceil(n / c.batchSize);
  try {
    while (epoch < c.epochs) {
      order ??= live.shuffle(Int32Array.from({ length: n }, (_, i) => i));
      const lr = multiStepLr(c.lr, c.milestones, c.gamma, epoch);
      const headLr = multiStepLr(c.headLr ?? c.lr, c.milestones, c.gamma, epoch);
      const bar = progress(`epoch ${epoch + 1}/${c.epochs}`, stepsPerEpoch, 'steps');
      bar.tick(stepInEpoch);
      const t0 = Date.now();
      let samples = 0;
      for (; stepInEpoch < stepsPerEpoch; ) {
        if (stopRequested || (o.stopAfterSteps !== undefined && globalStep >= o.stopAfterSteps)) {
          bar.stop();
          save();
          return { model, weight, head, history, interrupted: true };
        }
        const idx = order.subarray(stepInEpoch * c.batchSize, Math.min(n, (stepInEpoch + 1) * c.batchSize));
        const s = trainStep(model, weight, head, gatherRows(o.train, idx), o.numClasses, marginOpts);
        applyUpdate(model, weight, s, lr, headLr, opt, optState);
        stepInEpoch++;
        globalStep++;
        epochLoss.sum += s.loss;
        epochLoss.steps++;
        samples += idx.length;
        log({ kind: 'step', epoch: epoch + 1, step: globalStep, loss: s.loss, batchLoss: s.batchLoss, broadLoss: s.broadLoss, queue: head?.queue.length ?? 0, lr, headLr });
        bar.tick();
        if (c.checkpointEvery > 0 && globalStep % c.checkpointEvery === 0) save();
        // let the event loop run so that a Ctrl-C reaches onSigint between steps
        await new Promise((res) => setImmediate(res));
      }
      bar.stop();
      const seconds = (Date.now() - t0) / 1000;
      const row: Record<string, unknown> = { kind: 'epoch', epoch: epoch + 1, step: globalStep, loss: epochLoss.steps ? epochLoss.sum / epochLoss.steps : null, seconds, samplesPerSecond: seconds > 0 ? samples / seconds : null, lr };
      if (o.val) row.val = recallAtK(model, o.val, c.evalKs);
      log(row);
      history.push(row);
      // the checkpoint at an epoch's end points at the next epoch, whose order is drawn when it begins
      epoch++;
      stepInEpoch = 0;
      order = undefined;
      epochLoss = { sum: 0, steps: 0 };
      save();
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
  return { model, weight, head, history, interrupted: false };
}

/** One optimiser step on the model parameters (lr) and W (headLr). */
export function applyUpdate(model: EmbeddingModel, weight: Float32Array, s: StepResult, lr: number, headLr: number, opt: OptimizerOptions, state: OptimizerState): void {
  state.step++;
  for (const [name, v] of model.params) {
    if (!v.trainable) continue;
    const p = Float32Array.from(v.dataSync() as Float32Array);
    optimizerUpdate(name, p, s.modelGrads.get(name)!, lr, opt, state);
    tf.tidy(() => v.assign(tf.tensor(p, v.shape)));
  }
  optimizerUpdate('head.weight', weight, s.gradW, headLr, opt, state);
}

export interface StepResult { loss: number; batchLoss: number; broadLoss: number; gradW: Float32Array; modelGrads: Map<string, Float32Array> }

/** One forward/backward: tfjs embeds the batch, the head gives dL/de and dL/dW, tfjs backpropagates dL/de. */
export function trainStep(
  model: EmbeddingModel, weight: Float32Array, head: BroadFaceHead | undefined,
  batch: { x: Float32Array; labels: Int32Array }, numClasses: number,
  marginOpts: { kind: 'arcface' | 'cosface'; scale: number; margin: number },
): StepResult {
  const B = batch.labels.length;
  const d = model.embeddingDim;
  let out: Omit<StepResult, 'modelGrads'> | undefined;
  let gradE: Float32Array | undefined;
  const lossOf = (eData: Float32Array) => {
    if (head) {
      const s = head.step(eData, batch.labels, weight);
      out = { loss: s.loss, batchLoss: s.batchLoss, broadLoss: s.broadLoss, gradW: s.gradW };
      return s.gradEmbedding;
    }
    const s = marginLoss({ x: eData, labels: batch.labels, n: B, weight, numClasses, dim: d }, { ...marginOpts, wantGradX: true, wantGradW: true });
    out = { loss: s.loss, batchLoss: s.loss, broadLoss: 0, gradW: s.gradW! };
    return s.gradX!;
  };
  model.setTraining?.(true);
  if (model.trainForward) {
    const f = model.trainForward(batch.x, B);
    const modelGrads = f.backward(lossOf(f.embedding));
    return { ...out!, modelGrads };
  }
  const vars = [...model.params.values()].filter((v) => v.trainable);
  const { grads, value } = tf.variableGrads(() => {
    const e = model.forward(tf.tensor(batch.x, [B, ...model.inputShape]));
    gradE = lossOf(Float32Array.from(e.dataSync() as Float32Array));
    // a scalar whose gradient w.r.t. e is exactly the head's dL/de
    return tf.sum(tf.mul(e, tf.tensor2d(gradE, [B, d])));
  }, vars);
  value.dispose();
  const modelGrads = new Map<string, Float32Array>();
  for (const [name, v] of model.params) {
    if (v.trainable) modelGrads.set(name, Float32Array.from(grads[v.name].dataSync() as Float32Array));
  }
  tf.dispose(grads);
  return { ...out!, modelGrads };
}

/** Recall@K (percent) of the L2-normalised embeddings, leave-one-out, as the reference's SOP protocol. */
export function recallAtK(model: EmbeddingModel, s: Samples, ks: number[]): Record<string, number> {
  const e = embed(model, s.x, s.n);
  const usable = ks.filter((k) => k < s.n);
  const r = evaluateRetrieval({ query: { data: e, rows: s.n, cols: model.embeddingDim }, queryLabels: s.labels }, { ks: usable });
  return Object.fromEntries(usable.map((k, i) => [`recall@${k}`, r.recall[i]]));
}

function checkLabels(s: Samples, numClasses: number): void {
  for (let i = 0; i < s.n; i++) {
    const y = s.labels[i];
    if (!(Number.isInteger(y) && y >= 0 && y < numClasses)) throw new Error(`training label ${y} of sample ${i} is outside the head's classes 0…${numClasses - 1}`);
  }
}

function checkSameConfig(ckpt: Checkpoint, c: TrainConfig, runDir: string): void {
  for (const key of ['loss', 'queueSize', 'compensate', 'model', 'embeddingDim', 'batchSize', 'seed'] as const) {
    if (JSON.stringify(ckpt.config[key]) !== JSON.stringify(c[key])) {
      throw new Error(`--resume ${runDir}: the checkpoint was trained with ${key} = ${JSON.stringify(ckpt.config[key])}, not ${JSON.stringify(c[key])}`);
    }
  }
}

function countLines(path: string): number {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean).length : 0;
}

/** Drops metrics written after the checkpoint, so a resumed run's metrics.jsonl has each step once. */
function truncateLines(path: string, lines: number): void {
  const kept = existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean).slice(0, lines) : [];
  writeFileSync(path, kept.map((l) => l + '\n').join(''));
}
