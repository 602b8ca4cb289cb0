import type { KnnGraph, Matrix } from '../../data/files/index.js';
import { Random } from '../../data/random.js';
import type { OptimizerOptions, OptimizerState } from '../../nn/optimizer.js';
import { initNaan, naanInput, neighbourhoods, type NaanParams } from './model.js';
import { clippedAdamStep, NaanTrainStep } from './step.js';
import { judgedPairs, knnPairs, pairTargets } from './pairs.js';
import { loadCheckpoint, paramsOf, saveCheckpoint, type NaanCheckpoint, type NaanTrainState } from './checkpoint.js';

export interface NaanTrainOptions {
  /** [k1, k2]: 1-hop neighbours of a node, and 2-hop neighbours of each (NAAN: [100, 10]) */
  kHops: [number, number];
  /** training pairs from each node's first sampleHops neighbours (NAAN: 120) */
  sampleHops: number;
  epochs: number;
  batchSize: number;
  nheads: number;
  /** Adam lr (2e-3), multiplied by lrDecay (0.1) after every epoch */
  lr: number;
  lrDecay: number;
  /** torch Adam's weight_decay: L2 added to the gradient (5e-4) */
  weightDecay: number;
  /** global gradient-norm clip (torch clip_grad_norm_, 2) */
  clipNorm: number;
  seed: number;
  /** stop each epoch after this many steps (the released model stopped at 50,000) */
  maxStepsPerEpoch?: number;
  /** checkpoint file, written every checkpointEvery steps and after every epoch */
  checkpoint?: string;
  checkpointEvery?: number;
  /** continue from `checkpoint` (its config wins over these options) */
  resume?: boolean;
  /** stop after this many steps of this call, checkpointing first (an interruption that --resume continues) */
  stopAfterSteps?: number;
  onStep?: (info: { epoch: number; step: number; steps: number; loss: number }) => void;
  /**
   * Training until a held-out score plateaus: every `every` steps `score` judges the parameters (e.g.
   * edge AUC on held-out classes); training stops once `patience` checks in a row gained less than
   * `minGain` over the best before them, and ends on the parameters of the best check. The checks (and
   * those parameters) are kept in the checkpoint, so a resumed run stops where an uninterrupted one does.
   */
  check?: { every: number; patience: number; minGain: number; score: (params: NaanParams, config: NaanCheckpoint['config']) => number };
}

export interface NaanTrainResult {
  params: NaanParams;
  config: NaanCheckpoint['config'];
  /** mean loss per epoch run in this call, and the share of positive pairs */
  history: { epoch: number; meanLoss: number }[];
  positiveRatio: number;
  numPairs: number;
  /** true when stopAfterSteps or a Ctrl-C ended the call before the last epoch (with a checkpoint saved) */
  stopped: boolean;
  /** true when a Ctrl-C (SIGINT) stopped it */
  interrupted: boolean;
  /** the held-out checks so far (with `check`), and whether they plateaued */
  checks: { step: number; score: number }[];
  plateaued: boolean;
}

/** torch.optim.Adam's defaults; weight decay and lr come from the options */
export const ADAM = { kind: 'adam', momentum: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8 } as const;

/**
 * Trains NAAN as `train_gat.py` does (labels −1: nodes of no labelled class, see judgedPairs): cross-entropy on same-identity targets of kNN pairs, Adam with
 * L2 weight decay, lr × lrDecay per epoch, gradient-norm clipping; pairs shuffled per epoch by a
 * seeded order (seed + epoch), so a resumed run continues the same sequence of batches.
 */
export async function trainNaan(features: Matrix, knn: KnnGraph, labels: Int32Array, o: NaanTrainOptions): Promise<NaanTrainResult> {
  if (knn.n !== features.rows) throw new Error(`kNN has ${knn.n} rows but the features ${features.rows}`);
  if (labels.length !== features.rows) throw new Error(`${labels.length} labels for ${features.rows} feature rows`);
  const ck = o.resume && o.checkpoint ? loadCheckpoint(o.checkpoint) : undefined;
  const config: NaanCheckpoint['config'] = ck?.config ?? { dim: features.cols, nheads: o.nheads, alpha: 0.2, inputScale: Math.sqrt(features.cols), kHops: o.kHops, sampleHops: o.sampleHops };
  if (config.dim !== features.cols) throw new Error(`checkpoint is for ${config.dim}-d features, these are ${features.cols}-d`);
  const params = ck ? paramsOf(ck) : initNaan(config, o.seed);
  const names = Object.keys(params);
  const state: NaanTrainState = ck?.state ?? { epoch: 0, step: 0, adamStep: 0, seed: o.seed };
  const restore = (moments?: Record<string, number[]>) => Object.fromEntries(names.map((k) => [k, moments ? Float32Array.from(moments[k]) : new Float32Array(params[k].length)]));
  const adam: OptimizerState = { step: state.adamStep, m: restore(ck?.adam?.m), v: restore(ck?.adam?.v) };
  const opt: OptimizerOptions = { ...ADAM, weightDecay: o.weightDecay };
  const pairs = judgedPairs(knnPairs(knn, config.sampleHops, 'first-met'), labels);
  if (pairs.length === 0) throw new Error('NAAN training: no pair of the kNN graph has a labelled node');
  const targets = pairTargets(pairs, labels);
  const numPairs = targets.length;
  const X = naanInput(features, config);
  const stepsPerEpoch = Math.min(Math.ceil(numPairs / o.batchSize), o.maxStepsPerEpoch ?? Infinity);
  const history: NaanTrainResult['history'] = [];
  const [k1, k2] = config.kHops;
  const engine = new NaanTrainStep(params, config);
  // the parameters at the best held-out check (training until a plateau ends on them)
  let best: NaanParams | undefined = ck?.best && Object.fromEntries(names.map((k) => [k, Float32Array.from(ck.best![k])]));
  let stepsRun = 0, stopped = false, interrupted = false;
  const onSigint = () => { interrupted = true; };
  process.on('SIGINT', onSigint);
  try {
    for (; state.epoch < o.epochs; state.epoch++, state.step = 0) {
      const order = new Random(state.seed + state.epoch).shuffle(Int32Array.from({ length: numPairs }, (_, i) => i));
      const lr = o.lr * o.lrDecay ** state.epoch;
      let lossSum = 0, lossCount = 0;
      for (; state.step < stepsPerEpoch; state.step++) {
        const idx = order.subarray(state.step * o.batchSize, Math.min(numPairs, (state.step + 1) * o.batchSize));
        const a = Int32Array.from(idx, (p) => pairs[2 * p]);
        const b = Int32Array.from(idx, (p) => pairs[2 * p + 1]);
        const y = Int32Array.from(idx, (p) => targets[p]);
        // both ends of every pair in one neighbourhood batch: W is applied once per distinct node
        const ends = new Int32Array(2 * a.length);
        ends.set(a); ends.set(b, a.length);
        const loss = engine.run(X, neighbourhoods(knn, ends, k1, k2), y);
        clippedAdamStep(params, engine.grads, lr, o.clipNorm, opt, adam);
        state.adamStep = adam.step;
        lossSum += loss; lossCount++;
        o.onStep?.({ epoch: state.epoch, step: state.step + 1, steps: stepsPerEpoch, loss });
        if (o.check && adam.step % o.check.every === 0) {
          const score = o.check.score(params, config);
          if (!(state.checks ?? []).some((c) => c.score >= score)) best = Object.fromEntries(names.map((k) => [k, Float32Array.from(params[k])]));
          (state.checks ??= []).push({ step: adam.step, score });
          if (plateaued(state.checks, o.check)) {
            state.plateaued = true;
            for (const k of names) params[k].set(best![k]);
            break;
          }
        }
        if (o.checkpoint && o.checkpointEvery && (state.step + 1) % o.checkpointEvery === 0) {
          saveCheckpoint(o.checkpoint, config, { ...state, step: state.step + 1 }, params, adam, best);
        }
        // let the event loop run so that a Ctrl-C reaches onSigint between steps
        await new Promise((res) => setImmediate(res));
        if ((++stepsRun === o.stopAfterSteps || interrupted) && state.step + 1 < stepsPerEpoch) {
          if (o.checkpoint) saveCheckpoint(o.checkpoint, config, { ...state, step: state.step + 1 }, params, adam, best);
          stopped = true;
          break;
        }
      }
      if (stopped) { history.push({ epoch: state.epoch, meanLoss: lossSum / Math.max(1, lossCount) }); break; }
      if (state.plateaued) {
        history.push({ epoch: state.epoch, meanLoss: lossSum / Math.max(1, lossCount) });
        // finished: a resume has nothing left to do
        state.epoch = o.epochs; state.step = 0;
        if (o.checkpoint) saveCheckpoint(o.checkpoint, config, state, params, adam, best);
        break;
      }
      history.push({ epoch: state.epoch, meanLoss: lossSum / Math.max(1, lossCount) });
      if (o.checkpoint) saveCheckpoint(o.checkpoint, config, { ...state, epoch: state.epoch + 1, step: 0 }, params, adam, best);
      if (((o.stopAfterSteps !== undefined && stepsRun >= o.stopAfterSteps) || interrupted) && state.epoch + 1 < o.epochs) { stopped = true; break; }
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
  // every epoch run without a plateau: end on the best check's parameters too
  if (!stopped && best && !state.plateaued) {
    for (const k of names) params[k].set(best[k]);
    if (o.checkpoint) saveCheckpoint(o.checkpoint, config, { ...state, epoch: o.epochs, step: 0 }, params, adam, best);
  }
  let positives = 0;
  for (const t of targets) positives += t;
  return { params, config, history, positiveRatio: positives / Math.max(1, numPairs), numPairs, stopped, interrupted, checks: state.checks ?? [], plateaued: state.plateaued ?? false };
}

/** the last `patience` checks each gained less than `minGain` over the best check before them */
function plateaued(checks: { score: number }[], o: { patience: number; minGain: number }): boolean {
  if (checks.length <= o.patience) return false;
  const before = Math.max(...checks.slice(0, -o.patience).map((c) => c.score));
  return checks.slice(-o.patience).every((c) => !(c.score >= before + o.minGain));
}
