import type { EmbeddingModel } from '../models/embedding-model.js';
import { optimizerUpdate, type OptimizerOptions, type OptimizerState } from '../nn/optimizer.js';
import type { ClassifierHead } from './classifier-head.js';

/** One optimiser step on the model parameters (lr) and every head's W (headLr). */
export function applyUpdate(model: EmbeddingModel, heads: ClassifierHead[], s: StepResult, lr: number, headLr: number, opt: OptimizerOptions, state: OptimizerState): void {
  state.step++;
  for (const [name, p] of model.params) if (p.grad) optimizerUpdate(name, p.value, s.modelGrads.get(name)!, lr, opt, state);
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
  const f = model.trainForward(x, B);
  const modelGrads = f.backward(lossOf(f.embedding));
  return { ...out, modelGrads };
}

function concat(xs: Float32Array[]): Float32Array {
  const out = new Float32Array(xs.reduce((a, x) => a + x.length, 0));
  let at = 0;
  for (const x of xs) { out.set(x, at); at += x.length; }
  return out;
}
