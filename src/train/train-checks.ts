import type { Checkpoint } from './checkpoint.js';
import type { TrainConfig } from './config.js';
import { allFinite, firstNonFiniteParam } from './model-params.js';
import type { SampleSource, Samples } from './samples.js';
import type { StepResult } from './train-step.js';

/** Training labels must be classes of the head. */
export function checkLabels(s: Samples | SampleSource, numClasses: number, what: string): void {
  for (let i = 0; i < s.n; i++) {
    const y = s.labels[i];
    if (!(Number.isInteger(y) && y >= 0 && y < numClasses)) throw new Error(`${what} label ${y} of sample ${i} is outside the head's classes 0…${numClasses - 1}`);
  }
}

/** A resumed run must be the run of the checkpoint. */
export function checkSameConfig(ckpt: Checkpoint, c: TrainConfig, runDir: string, twoHeads: boolean): void {
  if (ckpt.heads.length !== (twoHeads ? 2 : 1)) throw new Error(`--resume ${runDir}: the checkpoint has ${ckpt.heads.length} head(s), this run ${twoHeads ? 2 : 1}`);
  for (const key of ['loss', 'queueSize', 'compensate', 'model', 'embeddingDim', 'batchSize', 'seed'] as const) {
    if (JSON.stringify(ckpt.config[key]) !== JSON.stringify(c[key])) {
      throw new Error(`--resume ${runDir}: the checkpoint was trained with ${key} = ${JSON.stringify(ckpt.config[key])}, not ${JSON.stringify(c[key])}`);
    }
  }
}

/** The error that stops a run whose loss, gradients or weights turned NaN or Inf. */
export function diverged(what: string, epoch: number, step: number, lr: number): Error {
  return new Error(`training diverged at epoch ${epoch + 1}, global step ${step}: ${what}; the last finite checkpoint is kept. Try a lower --lr (now ${lr})`);
}

/** The first non-finite loss or gradient stops training, before it reaches the weights. */
export function checkFiniteStep(s: StepResult, epoch: number, step: number, lr: number): void {
  if (!Number.isFinite(s.loss)) throw diverged(`the loss is ${s.loss}`, epoch, step, lr);
  for (const [name, g] of s.modelGrads) if (!allFinite(g)) throw diverged(`the gradient of "${name}" holds NaN or Inf`, epoch, step, lr);
  s.gradW.forEach((g, i) => { if (!allFinite(g)) throw diverged(`the gradient of head ${i}'s W holds NaN or Inf`, epoch, step, lr); });
}

/** A diverged checkpoint is not resumed. */
export function checkFiniteCheckpoint(ckpt: Checkpoint, runDir: string): void {
  const bad = firstNonFiniteParam(ckpt.params) ?? (ckpt.heads.some((h) => !allFinite(h.weight)) ? 'head weight' : undefined);
  if (bad) throw new Error(`--resume ${runDir}: the checkpoint's parameter "${bad}" holds NaN or Inf (the run diverged); start again with a lower --lr`);
}
