import { kernels, type Kernels } from '../../compute/index.js';
import { floatScratch } from '../../nn/layer.js';
import { optimizerUpdate, type OptimizerOptions, type OptimizerState } from '../../nn/optimizer.js';
import { softmaxCrossEntropy } from '../../nn/softmax-cross-entropy.js';
import { NaanGat } from './gat.js';
import { PairClassifier } from './classifier.js';
import type { NaanConfig, NaanParams, Neighbourhoods } from './types.js';

/**
 * One NAAN training step's forward and backward (`train_gat.py`: GAT on both ends of every pair,
 * the classifier, mean cross-entropy): the loss, and every parameter's gradient in `grads` (same
 * names as the params, overwritten each call). Buffers are reused from step to step.
 */
export class NaanTrainStep {
  readonly grads: NaanParams;
  private readonly gat: NaanGat;
  private readonly classifier: PairClassifier;
  private readonly dLogits = floatScratch();
  /** the last step's z [2B, D]: the a ends' embeddings, then the b ends' */
  z: Float32Array = new Float32Array(0);

  constructor(p: NaanParams, c: NaanConfig, k: Kernels = kernels()) {
    this.grads = Object.fromEntries(Object.entries(p).map(([name, v]) => [name, new Float32Array(v.length)]));
    this.gat = new NaanGat(p, c, k);
    this.classifier = new PairClassifier(p, c.dim, k);
  }

  /** x: the features × inputScale [N, D]; hood: the neighbourhoods of [a₀ … a_B−1, b₀ … b_B−1]; targets: 1 = same identity. */
  run(x: Float32Array, hood: Neighbourhoods, targets: Int32Array): number {
    const B = targets.length;
    if (hood.batch !== 2 * B) throw new Error(`NaanTrainStep: ${hood.batch} neighbourhoods for ${B} pairs (both ends of each needed)`);
    this.z = this.gat.forward(x, hood, true);
    const logits = this.classifier.forward(this.z, B, true);
    const dLogits = this.dLogits.get(2 * B);
    const loss = softmaxCrossEntropy(logits, B, 2, targets, dLogits);
    this.gat.backward(this.classifier.backward(dLogits, this.grads), this.grads);
    return loss;
  }
}

/** torch.optim.Adam with weight_decay (facet's one Adam), after clip_grad_norm_(params, clipNorm); scales `grads` in place. */
export function clippedAdamStep(p: NaanParams, grads: NaanParams, lr: number, clipNorm: number, opt: OptimizerOptions, adam: OptimizerState): void {
  const names = Object.keys(p);
  let sq = 0;
  for (const k of names) for (const x of grads[k]) sq += x * x;
  const clip = Math.min(1, clipNorm / (Math.sqrt(sq) + 1e-6));
  adam.step++;
  for (const k of names) {
    const g = grads[k];
    if (clip < 1) for (let i = 0; i < g.length; i++) g[i] *= clip;
    optimizerUpdate(k, p[k], g, lr, opt, adam);
  }
}
