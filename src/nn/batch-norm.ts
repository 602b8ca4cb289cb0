import { kernels, type Kernels } from '../compute/index.js';
import { checkGrad, checkInput, floatScratch, param, type Layer, type Param, gradients } from './layer.js';

export interface BatchNormOptions {
  eps?: number;
  /** weight of the new batch in the running statistics (torch's convention: 0.1) */
  momentum?: number;
  /** follow with a ReLU, fused into the same kernels (default false) */
  relu?: boolean;
}

/**
 * BatchNorm over the channels of NHWC input: y = gamma·(x − μ)/√(σ² + eps) + beta, fused with a
 * following ReLU (y = max(0, ·)) when options.relu.
 * Training uses the batch's mean and biased variance and updates the running statistics (unbiased
 * variance, as torch); evaluation uses the running statistics. Params: gamma, beta (trainable),
 * `mean` and `var`, the running statistics (state, updated in place by training forwards).
 */
export class BatchNorm implements Layer {
  readonly outShape: readonly number[];
  readonly params: readonly Param[];
  readonly gamma: Param;
  readonly beta: Param;
  readonly runningMean: Param;
  readonly runningVar: Param;
  private readonly eps: number;
  private readonly momentum: number;
  /** whether a ReLU follows (its backward then reads the output as the mask; without it the output is not read again) */
  readonly relu: boolean;
  private readonly c: number;
  private readonly mean: Float32Array;
  private readonly variance: Float32Array;
  private readonly invstd: Float32Array;
  private readonly scale: Float32Array;
  private readonly shift: Float32Array;
  private readonly y = floatScratch();
  private x: Float32Array | undefined;
  private out: Float32Array | undefined;
  private n: number | undefined;

  constructor(readonly name: string, readonly inShape: readonly number[], options: BatchNormOptions = {}, private readonly k: Kernels = kernels()) {
    const c = inShape[inShape.length - 1];
    this.c = c;
    this.outShape = inShape;
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    this.relu = options.relu ?? false;
    this.gamma = param(`${name}.gamma`, [c], new Float32Array(c).fill(1));
    this.beta = param(`${name}.beta`, [c], new Float32Array(c));
    this.runningMean = param(`${name}.mean`, [c], new Float32Array(c), false);
    this.runningVar = param(`${name}.var`, [c], new Float32Array(c).fill(1), false);
    this.params = [this.gamma, this.beta, this.runningMean, this.runningVar];
    [this.mean, this.variance, this.invstd, this.scale, this.shift] = Array.from({ length: 5 }, () => new Float32Array(c));
  }

  forward(x: Float32Array, n: number, training: boolean): Float32Array {
    checkInput(this, x, n);
    const c = this.c, rows = x.length / c;
    const g = this.gamma.value, b = this.beta.value;
    if (training) {
      if (rows < 2) throw new Error(`${this.name}: training BatchNorm needs more than one value per channel, got ${rows}`);
      this.k.channelMoments(x, rows, c, this.mean, this.variance);
      const m = this.momentum, rm = this.runningMean.value, rv = this.runningVar.value, unbias = rows / (rows - 1);
      for (let ch = 0; ch < c; ch++) {
        this.invstd[ch] = 1 / Math.sqrt(this.variance[ch] + this.eps);
        rm[ch] = (1 - m) * rm[ch] + m * this.mean[ch];
        rv[ch] = (1 - m) * rv[ch] + m * this.variance[ch] * unbias;
      }
      this.fold(g, b, this.mean, this.invstd);
    } else {
      const rv = this.runningVar.value;
      for (let ch = 0; ch < c; ch++) this.invstd[ch] = 1 / Math.sqrt(rv[ch] + this.eps);
      this.fold(g, b, this.runningMean.value, this.invstd);
    }
    const y = this.y.get(x.length);
    this.k.scaleShift(x, rows, c, this.scale, this.shift, y, this.relu);
    this.x = training ? x : undefined;
    this.out = training ? y : undefined;
    this.n = training ? n : undefined;
    return y;
  }

  private fold(g: Float32Array, b: Float32Array, mean: Float32Array, invstd: Float32Array): void {
    for (let ch = 0; ch < this.c; ch++) {
      this.scale[ch] = g[ch] * invstd[ch];
      this.shift[ch] = b[ch] - mean[ch] * this.scale[ch];
    }
  }

  backward(dy: Float32Array, needDx: boolean): Float32Array | undefined {
    checkGrad(this, dy, this.n);
    const x = this.x!, dx = gradients.take(x.length);
    this.k.batchNormBackward(
      x, this.out!, dy, x.length / this.c, this.c, this.mean, this.invstd, this.gamma.value, dx, this.gamma.grad!, this.beta.grad!, this.relu,
    );
    if (needDx) return dx;
    gradients.give(dx);
    return undefined;
  }
}
