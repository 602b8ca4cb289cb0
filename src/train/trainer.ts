import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Random } from '../data/random.js';
import type { ImageNormalization } from '../data/images/normalization.js';
import { makeDir, writeFileAtomic } from '../data/files/index.js';
import type { BroadFaceHead } from '../heads/broadface.js';
import type { EmbeddingModel } from '../models/embedding-model.js';
import { buildModel } from './build-model.js';
import { ClassifierHead } from './classifier-head.js';
import { loadTorchvisionResnet } from '../models/torchvision-weights.js';
import { loadCheckpoint, saveCheckpoint, type Checkpoint } from './checkpoint.js';
import { validateTrainConfig, type TrainConfig } from './config.js';
import { emptyOptimizerState, type OptimizerOptions, type OptimizerState } from '../nn/optimizer.js';
import { asSource, type SampleSource, type Samples } from './samples.js';
import { multiStepLr } from './schedule.js';
import { drawBatch, type Cursor } from './batch-order.js';
import { allFinite, firstNonFiniteParam, paramsOf, setParams } from './model-params.js';
import { applyUpdate, trainStep } from './train-step.js';
import { checkFiniteCheckpoint, checkFiniteStep, checkLabels, checkSameConfig, diverged } from './train-checks.js';
import { countLines, truncateLines } from './metrics-file.js';
import { recallAtK } from './evaluate-recall.js';
import { midEpochValSteps } from './val-schedule.js';

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
  /** class-disjoint validation samples, evaluated after each epoch (and `config.valEvery` apart inside one) */
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
  /** after every step (and when an epoch ends or stops: `done`), for a progress bar; the trainer draws none itself */
  onProgress?: (p: TrainProgress) => void;
  /** runs after each epoch (after validation): an entry of the epoch's metrics row, and maybe the score that selects the best epoch */
  epochHook?: EpochHook;
}

/** Where training is: `step` of `steps` of the 1-based `epoch` of `epochs`. */
export interface TrainProgress { epoch: number; epochs: number; step: number; steps: number; done: boolean }

/** Per-epoch evaluation outside the training data (e.g. insightface .bin verification, as arcface_torch's CallBackVerification). */
export interface EpochHook {
  /** key of its entry in the epoch's metrics row */
  name: string;
  /** `history`: the earlier epochs' metrics rows (restored on resume) */
  run(model: EmbeddingModel, epoch: number, history: Record<string, unknown>[]): Promise<{ entry: unknown; score: number }>;
  /** when set, this score (higher is better), not validation MAP@R, selects the best epoch; `metric` names it */
  selects?: { metric: string };
}

/** The epoch that selected itself (best validation MAP@R or epoch-hook score) and its parameters. */
export interface BestEpoch { epoch: number; metric: string; score: number; params: Record<string, { shape: number[]; data: Float32Array }> }

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
  const midVal = o.val ? midEpochValSteps(stepsPerEpoch, c.valEvery) : new Set<number>();
  const take = (h: number) => {
    const want = sources.length === 1 ? Math.min(rows[0], sources[0].n - stepInEpoch * rows[0]) : rows[h];
    return drawBatch(sources[h], cursors[h], want, live);
  };
  try {
    while (epoch < c.epochs) {
      const lr = multiStepLr(c.lr, c.milestones, c.gamma, epoch);
      const headLr = multiStepLr(c.headLr ?? c.lr, c.milestones, c.gamma, epoch);
      const report = (done: boolean) => o.onProgress?.({ epoch: epoch + 1, epochs: c.epochs, step: stepInEpoch, steps: stepsPerEpoch, done });
      report(false);
      const t0 = Date.now();
      let samples = 0;
      /** milliseconds of mid-epoch validation, left out of the epoch's training time */
      let valMs = 0;
      for (; stepInEpoch < stepsPerEpoch; ) {
        if (stopRequested || (o.stopAfterSteps !== undefined && globalStep >= o.stopAfterSteps)) {
          report(true);
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
        // before a checkpoint save, so that the checkpoint counts the row and a resume does not repeat it
        if (midVal.has(stepInEpoch)) {
          const v0 = Date.now();
          checkWeights();
          log({ kind: 'val', epoch: epoch + 1, step: globalStep, stepInEpoch, val: await recallAtK(model, o.val!, c.evalKs) });
          valMs += Date.now() - v0;
        }
        report(false);
        if (c.checkpointEvery > 0 && globalStep % c.checkpointEvery === 0) save();
        // let the event loop run so that a Ctrl-C reaches onSigint between steps
        await new Promise((res) => setImmediate(res));
      }
      report(true);
      const seconds = (Date.now() - t0 - valMs) / 1000;
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
