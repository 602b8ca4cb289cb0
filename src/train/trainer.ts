import * as tf from '@tensorflow/tfjs-core';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Random } from '../data/random.js';
import type { ImageNormalization } from '../data/images/normalization.js';
import { makeDir, writeFileAtomic } from '../data/files/index.js';
import { evaluateRetrieval } from '../eval/retrieval.js';
import type { BroadFaceHead } from '../heads/broadface.js';
import { embed, type EmbeddingModel } from '../models/embedding-model.js';
import { progress } from '../cli/progress.js';
import { buildModel } from './build-model.js';
import { ClassifierHead } from './head-state.js';
import { loadTorchvisionResnet } from '../models/torchvision-weights.js';
import { loadCheckpoint, saveCheckpoint, type Checkpoint } from './checkpoint.js';
import { validateTrainConfig, type TrainConfig } from './config.js';
import { emptyOptimizerState, optimizerUpdate, type OptimizerOptions, type OptimizerState } from '../nn/optimizer.js';
import { asSource, countLabelled, isSamples, type SampleSource, type Samples } from './samples.js';
import { multiStepLr } from './schedule.js';

/** Training data of a second classifier head over the same backbone (semi-supervised retraining). */
export interface ExtraHead {
  samples: Samples | SampleSource;
  numClasses: number;
}

export interface TrainOptions {
  runDir: string;
  config: TrainConfig;
  /** in memory, or a dataset decoded per batch */
  train: Samples | SampleSource;
  /** classes of the head (training labels must be 0…numClasses−1) */
  numClasses: number;
  /**
   * A second head (pseudo-labelled data): each batch then takes ⌊B/2⌋ rows from it and the rest from
   * `train`, each head's loss is the mean over its rows, and the loss is their size-weighted sum, as
   * the joint framework of the NAAN authors. An epoch is as many steps as the longer source needs;
   * each source reshuffles when it runs out.
   */
  extraHead?: ExtraHead;
  /** class-disjoint validation samples, evaluated after each epoch */
  val?: Samples | SampleSource;
  /** continue from runDir/checkpoint.json */
  resume?: boolean;
  /** start from these model parameters instead of the seeded init (warm start) */
  init?: Record<string, { shape: number[]; data: Float32Array }>;
  /** a torchvision ResNet state_dict as .npz (ImageNet weights) for the backbone of a new run */
  backboneWeights?: string;
  /** stop (with a checkpoint) after this many steps in total: interruption, for tests */
  stopAfterSteps?: number;
  /** what a new run writes as config.json (facet train: its options under their flag names, which --config reads back); default `config` */
  runConfig?: Record<string, unknown>;
  /** how the dataset's pixels are scaled (recorded in the checkpoint for verification sets and exports); absent for features */
  imageNormalization?: ImageNormalization;
  /** runs after each epoch (after validation): an entry of the epoch's metrics row, and maybe the score that selects the best epoch */
  epochHook?: EpochHook;
}

/** Per-epoch evaluation outside the training data (e.g. insightface .bin verification, as arcface_torch's CallBackVerification). */
export interface EpochHook {
  /** key of its entry in the epoch's metrics row */
  name: string;
  /** `history`: the earlier epochs' metrics rows (restored on resume) */
  run(model: EmbeddingModel, epoch: number, history: Record<string, unknown>[]): Promise<{ entry: unknown; score: number }>;
  /** when set, this score (higher is better), not validation MAP@R, selects the best epoch; `metric` names it */
  selects?: { metric: string };
}

export interface TrainResult {
  model: EmbeddingModel;
  /** W of the first head */
  weight: Float32Array;
  /** the first head's BroadFace state */
  head?: BroadFaceHead;
  heads: ClassifierHead[];
  history: Record<string, unknown>[];
  /** the epoch with the best validation MAP@R (or the epoch hook's score) and its parameters */
  best?: BestEpoch;
  /** true when stopped early (Ctrl-C or stopAfterSteps) with a checkpoint saved */
  interrupted: boolean;
}

/**
 * Trains an embedding network with ArcFace / CosFace / BroadFace heads. Per step: the model's
 * forward (tfjs autodiff, or the model's own backward pass), each head's closed-form gradients in
 * float code (src/heads), dL/d(embedding) fed back as the upstream gradient, then facet's optimiser
 * on the model parameters and every W. Everything random comes from one seeded Random whose state is
 * checkpointed, so a resumed run continues the uninterrupted trajectory exactly.
 */
export async function train(o: TrainOptions): Promise<TrainResult> {
  const c = o.config;
  validateTrainConfig(c);
  checkLabels(o.train, o.numClasses, 'training');
  if (o.extraHead) checkLabels(o.extraHead.samples, o.extraHead.numClasses, 'second-head');
  makeDir(o.runDir);
  const metricsPath = join(o.runDir, 'metrics.jsonl');
  const ckpt = o.resume ? loadCheckpoint(o.runDir) : undefined;
  if (ckpt) checkSameConfig(ckpt, c, o.runDir, o.extraHead !== undefined);
  if (ckpt) checkFiniteCheckpoint(ckpt, o.runDir);

  const rng = new Random(c.seed);
  const model = buildModel(c, o.train.sampleShape, rng);
  if (o.init) setParams(model, o.init, 'init');
  if (o.backboneWeights && !ckpt) loadTorchvisionResnet(model, o.backboneWeights);
  const sources = [o.train, ...(o.extraHead ? [o.extraHead.samples] : [])].map(asSource);
  const heads = [o.numClasses, ...(o.extraHead ? [o.extraHead.numClasses] : [])].map((k) => new ClassifierHead(k, c.embeddingDim, c, rng));
  const rows = sources.length === 1 ? [c.batchSize] : [c.batchSize - Math.floor(c.batchSize / 2), Math.floor(c.batchSize / 2)];
  if (rows.some((r) => r < 1)) throw new Error(`--batch-size ${c.batchSize}: two heads need at least 2 rows per batch`);
  const opt: OptimizerOptions = { kind: c.optimizer, weightDecay: c.weightDecay, momentum: c.momentum, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
  let optState: OptimizerState = emptyOptimizerState();
  let epoch = 0, stepInEpoch = 0, globalStep = 0;
  let cursors: Cursor[] = sources.map(() => ({ order: new Int32Array(0), pos: 0 }));
  let history: Record<string, unknown>[] = [];
  let best: BestEpoch | undefined;
  /** running loss of the current epoch (checkpointed, so a resumed epoch reports the whole epoch's mean) */
  let epochLoss = { sum: 0, steps: 0 };
  let live = rng;

  if (ckpt) {
    setParams(model, ckpt.params, 'checkpoint');
    ckpt.heads.forEach((h, i) => { heads[i].weight.set(h.weight); heads[i].broadFace?.queue.restore(h.queue); });
    optState = ckpt.optimizer;
    ({ epoch, stepInEpoch, globalStep, cursors, history, epochLoss, best } = ckpt);
    live = Random.restore(ckpt.rng);
    truncateLines(metricsPath, ckpt.metricsLines);
  } else {
    writeFileSync(metricsPath, '');
    writeFileAtomic(join(o.runDir, 'config.json'), JSON.stringify(o.runConfig ?? c, null, 2) + '\n');
  }

  // weights can overflow from finite gradients: checked before validation and before every save, so
  // a checkpoint is never replaced by a non-finite state (the last finite one stays)
  const checkWeights = () => {
    const bad = firstNonFiniteParam(paramsOf(model)) ?? (heads.some((h) => !allFinite(h.weight)) ? 'head weight' : undefined);
    if (bad) throw diverged(`parameter "${bad}" is NaN or Inf`, epoch, globalStep, c.lr);
  };
  const save = () => {
    checkWeights();
    saveCheckpoint(o.runDir, snapshot());
  };
  const snapshot = (): Checkpoint => ({
    version: 2, config: { ...c }, sampleShape: o.train.sampleShape, imageNormalization: o.imageNormalization, epoch, stepInEpoch, globalStep, cursors, rng: live.save(), params: paramsOf(model),
    heads: heads.map((h) => ({ weight: h.weight, queue: h.broadFace?.queue.snapshot() ?? { features: new Float32Array(0), proxies: new Float32Array(0), labels: new Int32Array(0) } })),
    optimizer: optState, metricsLines: countLines(metricsPath), history, epochLoss, best,
  });

  let stopRequested = false;
  const onSigint = () => { stopRequested = true; };
  process.on('SIGINT', onSigint);
  const log = (row: Record<string, unknown>) => appendFileSync(metricsPath, JSON.stringify(row) + '\n');
  // one head: an epoch is one pass (the last batch may be short); two heads: the longer source's pass
  const stepsPerEpoch = Math.max(...sources.map((s, i) => Math.ceil(s.n / rows[i])));
  const take = (h: number) => {
    const want = sources.length === 1 ? Math.min(rows[0], sources[0].n - stepInEpoch * rows[0]) : rows[h];
    return drawBatch(sources[h], cursors[h], want, live);
  };
  try {
    while (epoch < c.epochs) {
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
          return { model, weight: heads[0].weight, head: heads[0].broadFace, heads, history, best, interrupted: true };
        }
        const parts = await Promise.all(sources.map((src, h) => src.rows(take(h), { train: true, epoch })));
        const s = trainStep(model, heads, parts);
        checkFiniteStep(s, epoch, globalStep + 1, c.lr);
        applyUpdate(model, heads, s, lr, headLr, opt, optState);
        stepInEpoch++;
        globalStep++;
        epochLoss.sum += s.loss;
        epochLoss.steps++;
        samples += parts.reduce((a, p) => a + p.labels.length, 0);
        log({ kind: 'step', epoch: epoch + 1, step: globalStep, loss: s.loss, batchLoss: s.batchLoss, broadLoss: s.broadLoss, ...(heads.length > 1 && { headLosses: s.headLosses }), queue: heads[0].broadFace?.queue.length ?? 0, lr, headLr });
        bar.tick();
        if (c.checkpointEvery > 0 && globalStep % c.checkpointEvery === 0) save();
        // let the event loop run so that a Ctrl-C reaches onSigint between steps
        await new Promise((res) => setImmediate(res));
      }
      bar.stop();
      const seconds = (Date.now() - t0) / 1000;
      const row: Record<string, unknown> = { kind: 'epoch', epoch: epoch + 1, step: globalStep, loss: epochLoss.steps ? epochLoss.sum / epochLoss.steps : null, seconds, samplesPerSecond: seconds > 0 ? samples / seconds : null, lr };
      if (o.val) {
        checkWeights();
        const val = await recallAtK(model, o.val, c.evalKs);
        row.val = val;
        // MAP@R selects the epoch: Recall@1 on a few validation classes saturates at 100 % early
        const score = val.mapAtR;
        if (!o.epochHook?.selects && (!best || score > best.score)) best = { epoch: epoch + 1, metric: 'mapAtR', score, params: paramsOf(model) };
      }
      if (o.epochHook) {
        const { entry, score } = await o.epochHook.run(model, epoch + 1, history);
        row[o.epochHook.name] = entry;
        const sel = o.epochHook.selects;
        if (sel && (!best || score > best.score)) best = { epoch: epoch + 1, metric: sel.metric, score, params: paramsOf(model) };
      }
      log(row);
      history.push(row);
      epoch++;
      stepInEpoch = 0;
      epochLoss = { sum: 0, steps: 0 };
      save();
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
  return { model, weight: heads[0].weight, head: heads[0].broadFace, heads, history, best, interrupted: false };
}

/** A source's sample order and how far the current pass has got. */
export interface Cursor { order: Int32Array; pos: number }

/** The next `count` indices of a source, reshuffling (from `rng`) whenever its pass is used up. */
function drawBatch(s: SampleSource, cur: Cursor, count: number, rng: Random): Int32Array {
  const out = new Int32Array(count);
  for (let filled = 0; filled < count; ) {
    if (cur.pos >= cur.order.length) {
      cur.order = rng.shuffle(Int32Array.from({ length: s.n }, (_, i) => i));
      cur.pos = 0;
    }
    const n = Math.min(count - filled, cur.order.length - cur.pos);
    out.set(cur.order.subarray(cur.pos, cur.pos + n), filled);
    cur.pos += n;
    filled += n;
  }
  return out;
}

export interface BestEpoch { epoch: number; metric: string; score: number; params: Record<string, { shape: number[]; data: Float32Array }> }

export function paramsOf(model: EmbeddingModel): Record<string, { shape: number[]; data: Float32Array }> {
  return Object.fromEntries([...model.params].map(([k, v]) => [k, { shape: v.shape, data: Float32Array.from(v.dataSync() as Float32Array) }]));
}

/** Loads parameters by name; every model parameter must be there with its shape. */
export function setParams(model: EmbeddingModel, params: Record<string, { shape: number[]; data: Float32Array }>, from: string): void {
  for (const [name, v] of model.params) {
    const p = params[name];
    if (!p) throw new Error(`${from}: no parameter "${name}" for this ${model.kind} model`);
    if (p.shape.join() !== v.shape.join()) throw new Error(`${from}: parameter "${name}" has shape [${p.shape}], the model needs [${v.shape}]`);
    v.assign(tf.tensor(p.data, v.shape));
  }
}

/** One optimiser step on the model parameters (lr) and every head's W (headLr). */
export function applyUpdate(model: EmbeddingModel, heads: ClassifierHead[], s: StepResult, lr: number, headLr: number, opt: OptimizerOptions, state: OptimizerState): void {
  state.step++;
  for (const [name, v] of model.params) {
    if (!v.trainable) continue;
    const p = Float32Array.from(v.dataSync() as Float32Array);
    optimizerUpdate(name, p, s.modelGrads.get(name)!, lr, opt, state);
    tf.tidy(() => v.assign(tf.tensor(p, v.shape)));
  }
  heads.forEach((h, i) => optimizerUpdate(i === 0 ? 'head.weight' : `head${i}.weight`, h.weight, s.gradW[i], headLr, opt, state));
}

export interface StepResult { loss: number; batchLoss: number; broadLoss: number; headLosses: number[]; gradW: Float32Array[]; modelGrads: Map<string, Float32Array> }

/**
 * One forward/backward over the rows of every head's part (concatenated, so BatchNorm sees the whole
 * batch): each head's loss on its rows, weighted by its share of the batch, gives dL/de and dL/dW.
 */
export function trainStep(model: EmbeddingModel, heads: ClassifierHead[], parts: { x: Float32Array; labels: Int32Array }[]): StepResult {
  const B = parts.reduce((a, p) => a + p.labels.length, 0);
  const d = model.embeddingDim;
  const x = parts.length === 1 ? parts[0].x : concat(parts.map((p) => p.x));
  const out: Omit<StepResult, 'modelGrads'> = { loss: 0, batchLoss: 0, broadLoss: 0, headLosses: [], gradW: [] };
  const lossOf = (e: Float32Array) => {
    const gradE = new Float32Array(B * d);
    let row = 0;
    parts.forEach((p, h) => {
      const n = p.labels.length;
      const share = n / B;
      const s = heads[h].loss(e.subarray(row * d, (row + n) * d), p.labels);
      out.loss += share * s.loss;
      out.batchLoss += share * s.batchLoss;
      out.broadLoss += share * s.broadLoss;
      out.headLosses.push(s.loss);
      for (let i = 0; i < s.gradE.length; i++) gradE[row * d + i] = share * s.gradE[i];
      if (share !== 1) for (let i = 0; i < s.gradW.length; i++) s.gradW[i] *= share;
      out.gradW.push(s.gradW);
      row += n;
    });
    return gradE;
  };
  model.setTraining?.(true);
  if (model.trainForward) {
    const f = model.trainForward(x, B);
    const modelGrads = f.backward(lossOf(f.embedding));
    return { ...out, modelGrads };
  }
  const vars = [...model.params.values()].filter((v) => v.trainable);
  const { grads, value } = tf.variableGrads(() => {
    const e = model.forward(tf.tensor(x, [B, ...model.inputShape]));
    const gradE = lossOf(Float32Array.from(e.dataSync() as Float32Array));
    // a scalar whose gradient w.r.t. e is exactly the heads' dL/de
    return tf.sum(tf.mul(e, tf.tensor2d(gradE, [B, d])));
  }, vars);
  value.dispose();
  const modelGrads = new Map<string, Float32Array>();
  for (const [name, v] of model.params) {
    if (v.trainable) modelGrads.set(name, Float32Array.from(grads[v.name].dataSync() as Float32Array));
  }
  tf.dispose(grads);
  return { ...out, modelGrads };
}

function concat(xs: Float32Array[]): Float32Array {
  const out = new Float32Array(xs.reduce((a, x) => a + x.length, 0));
  let at = 0;
  for (const x of xs) { out.set(x, at); at += x.length; }
  return out;
}

/** Recall@K and MAP@R (percent) of the L2-normalised embeddings, leave-one-out (SOP protocol) or against a gallery (In-Shop). */
export async function recallAtK(model: EmbeddingModel, s: Samples | SampleSource, ks: number[], gallery?: SampleSource): Promise<Record<string, number>> {
  const d = model.embeddingDim;
  const e = await embedAll(model, s);
  // −1 rows are no candidates (evaluateRetrieval leaves them out): a K must fit the labelled rows
  const usable = ks.filter((k) => k < countLabelled((gallery ?? s).labels));
  const g = gallery && { gallery: { data: await embedAll(model, gallery), rows: gallery.n, cols: d }, galleryLabels: gallery.labels };
  const r = evaluateRetrieval({ query: { data: e, rows: s.n, cols: d }, queryLabels: s.labels, ...g }, { ks: usable });
  return { ...Object.fromEntries(usable.map((k, i) => [`recall@${k}`, r.recall[i]])), mapAtR: 100 * r.mapAtR };
}

/** L2-normalised embeddings of every row: in one pass from memory, or batch by batch from a dataset. */
export async function embedAll(model: EmbeddingModel, s: Samples | SampleSource, batch = 256): Promise<Float32Array> {
  if (isSamples(s)) return embed(model, s.x, s.n);
  const d = model.embeddingDim;
  const out = new Float32Array(s.n * d);
  for (let i = 0; i < s.n; i += batch) {
    const idx = Int32Array.from({ length: Math.min(batch, s.n - i) }, (_, j) => i + j);
    const b = await s.rows(idx, { train: false, epoch: 0 });
    out.set(embed(model, b.x, idx.length, batch), i * d);
  }
  return out;
}

function checkLabels(s: Samples | SampleSource, numClasses: number, what: string): void {
  for (let i = 0; i < s.n; i++) {
    const y = s.labels[i];
    if (!(Number.isInteger(y) && y >= 0 && y < numClasses)) throw new Error(`${what} label ${y} of sample ${i} is outside the head's classes 0…${numClasses - 1}`);
  }
}

function checkSameConfig(ckpt: Checkpoint, c: TrainConfig, runDir: string, twoHeads: boolean): void {
  if (ckpt.heads.length !== (twoHeads ? 2 : 1)) throw new Error(`--resume ${runDir}: the checkpoint has ${ckpt.heads.length} head(s), this run ${twoHeads ? 2 : 1}`);
  for (const key of ['loss', 'queueSize', 'compensate', 'model', 'embeddingDim', 'batchSize', 'seed'] as const) {
    if (JSON.stringify(ckpt.config[key]) !== JSON.stringify(c[key])) {
      throw new Error(`--resume ${runDir}: the checkpoint was trained with ${key} = ${JSON.stringify(ckpt.config[key])}, not ${JSON.stringify(c[key])}`);
    }
  }
}

function allFinite(a: Float32Array): boolean {
  // x·0 is 0 for finite x, NaN otherwise
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * 0;
  return s === 0;
}

/** The name of the first parameter holding NaN or Inf, if any. */
export function firstNonFiniteParam(params: Record<string, { data: Float32Array }>): string | undefined {
  return Object.keys(params).find((k) => !allFinite(params[k].data));
}

function diverged(what: string, epoch: number, step: number, lr: number): Error {
  return new Error(`training diverged at epoch ${epoch + 1}, global step ${step}: ${what}; the last finite checkpoint is kept. Try a lower --lr (now ${lr})`);
}

/** The first non-finite loss or gradient stops training, before it reaches the weights. */
function checkFiniteStep(s: StepResult, epoch: number, step: number, lr: number): void {
  if (!Number.isFinite(s.loss)) throw diverged(`the loss is ${s.loss}`, epoch, step, lr);
  for (const [name, g] of s.modelGrads) if (!allFinite(g)) throw diverged(`the gradient of "${name}" holds NaN or Inf`, epoch, step, lr);
  s.gradW.forEach((g, i) => { if (!allFinite(g)) throw diverged(`the gradient of head ${i}'s W holds NaN or Inf`, epoch, step, lr); });
}

function checkFiniteCheckpoint(ckpt: Checkpoint, runDir: string): void {
  const bad = firstNonFiniteParam(ckpt.params) ?? (ckpt.heads.some((h) => !allFinite(h.weight)) ? 'head weight' : undefined);
  if (bad) throw new Error(`--resume ${runDir}: the checkpoint's parameter "${bad}" holds NaN or Inf (the run diverged); start again with a lower --lr`);
}

function countLines(path: string): number {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean).length : 0;
}

/** Drops metrics written after the checkpoint, so a resumed run's metrics.jsonl has each step once. */
function truncateLines(path: string, lines: number): void {
  const kept = existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean).slice(0, lines) : [];
  writeFileSync(path, kept.map((l) => l + '\n').join(''));
}
