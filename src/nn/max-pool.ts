import { kernels, type Kernels } from '../compute/index.js';
import { Scratch, checkGrad, checkInput, floatScratch, type Layer } from './layer.js';

/** 2×2 stride-2 max-pool, NHWC; an odd last row or column is dropped (as torch's MaxPool2d(2)). */
export class MaxPool2x2 implements Layer {
  readonly outShape: readonly number[];
  readonly params = [];
  private readonly y = floatScratch();
  private readonly dx = floatScratch();
  private readonly argmax = new Scratch((n) => new Int32Array(n));
  private arg: Int32Array | undefined;
  private n: number | undefined;

  constructor(readonly name: string, readonly inShape: readonly number[], private readonly k: Kernels = kernels()) {
    if (inShape.length !== 3 || inShape[0] < 2 || inShape[1] < 2) {
      throw new Error(`${name}: 2×2 max-pool needs an [h, w, c] input of at least 2×2, got [${inShape.join(', ')}]`);
    }
    this.outShape = [inShape[0] >> 1, inShape[1] >> 1, inShape[2]];
  }

  forward(x: Float32Array, n: number, training: boolean): Float32Array {
    checkInput(this, x, n);
    const [h, w, c] = this.inShape, out = n * this.outShape[0] * this.outShape[1] * c;
    const y = this.y.get(out), arg = this.argmax.get(out);
    this.k.maxPool2x2Forward(x, n, h, w, c, y, arg);
    this.arg = training ? arg : undefined;
    this.n = training ? n : undefined;
    return y;
  }

  backward(dy: Float32Array, needDx: boolean): Float32Array | undefined {
    const n = checkGrad(this, dy, this.n);
    if (!needDx) return undefined;
    const [h, w, c] = this.inShape, dx = this.dx.get(n * h * w * c);
    this.k.maxPool2x2Backward(dy, this.arg!, n, h, w, c, dx);
    return dx;
  }
}
