import * as tf from '@tensorflow/tfjs-core';
import type { KnnGraph, Matrix } from '../../data/files/index.js';
import { Random } from '../../data/random.js';
import { embedNodes, initNaan, naanInput, neighbourhoods, pairLogits, type NaanConfig, type NaanParams } from './model.js';
import { knnPairs, pairTargets } from './pairs.js';
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
}

const BETA1 = 0.9, BETA2 = 0.999, EPS = 1e-8;

/**
 * Trains NAAN as `train_gat.py` does: cross-entropy on same-identity targets of kNN pairs, Adam with
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
  const m: NaanParams = {}, v: NaanParams = {};
  for (const k of names) {
    m[k] = tf.variable(ck?.adam ? tf.tensor(ck.adam.m[k], params[k].shape) : tf.zerosLike(params[k]));
    v[k] = tf.variable(ck?.adam ? tf.tensor(ck.adam.v[k], params[k].shape) : tf.zerosLike(params[k]));
  }
  const state: NaanTrainState = ck?.state ?? { epoch: 0, step: 0, adamStep: 0, seed: o.seed };
  const pairs = knnPairs(knn, config.sampleHops, 'first-met');
  const targets = pairTargets(pairs, labels);
  const numPairs = targets.length;
  const X = naanInput(features, config);
  const stepsPerEpoch = Math.min(Math.ceil(numPairs / o.batchSize), o.maxStepsPerEpoch ?? Infinity);
  const history: NaanTrainResult['history'] = [];
  const [k1, k2] = config.kHops;
  let stepsRun = 0, stopped = false, interrupted = false;
  const onSigint = () => { interrupted = true; };
  process.on('SIGINT', onSigint);
  try {
    for (; state.epoch < o.epochs; state.epoch++, state.step = 0) {
      const order = shuffled(numPairs, state.seed + state.epoch);
      const lr = o.lr * o.lrDecay ** state.epoch;
      let lossSum = 0, lossCount = 0;
      for (; state.step < stepsPerEpoch; state.step++) {
        const idx = order.subarray(state.step * o.batchSize, Math.min(numPairs, (state.step + 1) * o.batchSize));
        const a = Int32Array.from(idx, (p) => pairs[2 * p]);
        const b = Int32Array.from(idx, (p) => pairs[2 * p + 1]);
        const y = Int32Array.from(idx, (p) => targets[p]);
        const loss = tf.tidy(() => {
          // both ends of every pair in one neighbourhood batch: W is applied once per distinct node
          const ends = new Int32Array(2 * a.length);
          ends.set(a); ends.set(b, a.length);
          const hood = neighbourhoods(knn, ends, k1, k2);
          const onehot = tf.oneHot(tf.tensor1d(y, 'int32'), 2);
          const { value, grads } = tf.variableGrads(() => {
            const z = embedNodes(params, config, X, hood);
            const B = a.length, D = config.dim;
            const logits = pairLogits(params, tf.slice(z, [0, 0], [B, D]), tf.slice(z, [B, 0], [B, D]));
            return tf.losses.softmaxCrossEntropy(onehot, logits) as tf.Scalar;
          }, names.map((k) => params[k]));
          adamStep(params, m, v, grads, lr, o, ++state.adamStep);
          return value.dataSync()[0];
        });
        lossSum += loss; lossCount++;
        o.onStep?.({ epoch: state.epoch, step: state.step + 1, steps: stepsPerEpoch, loss });
        if (o.checkpoint && o.checkpointEvery && (state.step + 1) % o.checkpointEvery === 0) {
          saveCheckpoint(o.checkpoint, config, { ...state, step: state.step + 1 }, params, { m, v });
        }
        // let the event loop run so that a Ctrl-C reaches onSigint between steps
        await new Promise((res) => setImmediate(res));
        if ((++stepsRun === o.stopAfterSteps || interrupted) && state.step + 1 < stepsPerEpoch) {
          if (o.checkpoint) saveCheckpoint(o.checkpoint, config, { ...state, step: state.step + 1 }, params, { m, v });
          stopped = true;
          break;
        }
      }
      if (stopped) { history.push({ epoch: state.epoch, meanLoss: lossSum / Math.max(1, lossCount) }); break; }
      history.push({ epoch: state.epoch, meanLoss: lossSum / Math.max(1, lossCount) });
      if (o.checkpoint) saveCheckpoint(o.checkpoint, config, { ...state, epoch: state.epoch + 1, step: 0 }, params, { m, v });
      if (((o.stopAfterSteps !== undefined && stepsRun >= o.stopAfterSteps) || interrupted) && state.epoch + 1 < o.epochs) { stopped = true; break; }
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
  X.dispose();
  let positives = 0;
  for (const t of targets) positives += t;
  return { params, config, history, positiveRatio: positives / Math.max(1, numPairs), numPairs, stopped, interrupted };
}

/** torch.optim.Adam with weight_decay, after clip_grad_norm_(params, clipNorm). */
function adamStep(p: NaanParams, m: NaanParams, v: NaanParams, grads: tf.NamedTensorMap, lr: number, o: NaanTrainOptions, t: number): void {
  const names = Object.keys(p);
  const norm = Math.sqrt(names.reduce((s, k) => s + tf.sum(tf.square(grads[p[k].name])).dataSync()[0], 0));
  const clip = Math.min(1, o.clipNorm / (norm + 1e-6));
  const bc1 = 1 - BETA1 ** t, bc2 = 1 - BETA2 ** t;
  for (const k of names) {
    const g = tf.add(tf.mul(grads[p[k].name], clip), tf.mul(p[k], o.weightDecay));
    m[k].assign(tf.add(tf.mul(m[k], BETA1), tf.mul(g, 1 - BETA1)));
    v[k].assign(tf.add(tf.mul(v[k], BETA2), tf.mul(tf.square(g), 1 - BETA2)));
    const denom = tf.add(tf.div(tf.sqrt(v[k]), Math.sqrt(bc2)), EPS);
    p[k].assign(tf.sub(p[k], tf.mul(tf.div(m[k], denom), lr / bc1)));
  }
}

/** A seeded permutation of 0…n−1 (Fisher–Yates). */
function shuffled(n: number, seed: number): Int32Array {
  const rng = new Random(seed);
  const a = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i]; a[i] = a[j]; a[j] = t;
  }
  return a;
}
