import { kernels, type Kernels } from '../compute/index.js';
import { checkGrad, checkInput, floatScratch, type Layer, gradients } from './layer.js';

/** y = max(0, x) elementwise, any shape. */
export class Relu implements Layer {
  readonly outShape: readonly number[];
  readonly params = [];
  private readonly y = floatScratch();
  private out: Float32Array | undefined;
  private n: number | undefined;

  constructor(readonly name: string, readonly inShape: readonly number[], private readonly k: Kernels = kernels()) {
    this.outShape = inShape;
  }

  forward(x: Float32Array, n: number, training: boolean): Float32Array {
    checkInput(this, x, n);
    const y = this.y.get(x.length);
    this.k.relu(x, y, x.length);
    this.out = training ? y : undefined;
    this.n = training ? n : undefined;
    return y;
  }

  backward(dy: Float32Array, needDx: boolean): Float32Array | undefined {
    checkGrad(this, dy, this.n);
    if (!needDx) return undefined;
    const dx = gradients.take(dy.length);
    this.k.reluBackward(this.out!, dy, dx, dy.length);
    return dx;
  }
}
