import { checkGrad, checkInput, floatScratch, type Layer } from './layer.js';

/** y = max(0, x), elementwise over the per-sample shape. */
export class Relu implements Layer {
  readonly outShape: readonly number[];
  readonly params = [];
  private readonly y = floatScratch();
  private readonly dx = floatScratch();
  private out: Float32Array | undefined;
  private n: number | undefined;

  constructor(readonly name: string, readonly inShape: readonly number[]) {
    this.outShape = inShape;
  }

  forward(x: Float32Array, n: number, training: boolean): Float32Array {
    checkInput(this, x, n);
    const y = this.y.get(x.length);
    for (let i = 0; i < x.length; i++) y[i] = x[i] > 0 ? x[i] : 0;
    this.out = training ? y : undefined;
    this.n = training ? n : undefined;
    return y;
  }

  backward(dy: Float32Array, needDx: boolean): Float32Array | undefined {
    checkGrad(this, dy, this.n);
    if (!needDx) return undefined;
    const y = this.out!, dx = this.dx.get(dy.length);
    for (let i = 0; i < dx.length; i++) dx[i] = y[i] > 0 ? dy[i] : 0;
    return dx;
  }
}
