import { kernels, type Kernels } from '../compute/index.js';
import { checkPoolWindow, poolSide } from '../compute/layer-kernel-interface.js';
import { Scratch, checkGrad, checkInput, floatScratch, type Layer, gradients } from './layer.js';

export interface MaxPoolOptions {
  size: number;
  stride: number;
  /** implicit padding cells on every side, which never win (default 0; at most size/2) */
  pad?: number;
}

/**
 * size×size max-pool with stride, NHWC, as torch's MaxPool2d: output side ⌊(h + 2·pad − size)/stride⌋ + 1
 * (size 2 stride 2 drops an odd last row or column; ResNet's stem is size 3, stride 2, pad 1).
 */
export class MaxPool implements Layer {
  readonly outShape: readonly number[];
  readonly params = [];
  readonly size: number;
  readonly stride: number;
  readonly pad: number;
  private readonly y = floatScratch();
  private readonly argmax = new Scratch((n) => new Int32Array(n));
  private arg: Int32Array | undefined;
  private n: number | undefined;

  constructor(readonly name: string, readonly inShape: readonly number[], options: MaxPoolOptions, private readonly k: Kernels = kernels()) {
    if (inShape.length !== 3) throw new Error(`${name}: input shape must be [h, w, c], got [${inShape.join(', ')}]`);
    const { size, stride, pad = 0 } = options;
    checkPoolWindow(name, inShape[0], inShape[1], size, stride, pad);
    [this.size, this.stride, this.pad] = [size, stride, pad];
    this.outShape = [poolSide(inShape[0], size, stride, pad), poolSide(inShape[1], size, stride, pad), inShape[2]];
  }

  forward(x: Float32Array, n: number, training: boolean): Float32Array {
    checkInput(this, x, n);
    const [h, w, c] = this.inShape, out = n * this.outShape[0] * this.outShape[1] * c;
    const y = this.y.get(out), arg = this.argmax.get(out);
    this.k.maxPoolForward(x, n, h, w, c, this.size, this.stride, this.pad, y, arg);
    this.arg = training ? arg : undefined;
    this.n = training ? n : undefined;
    return y;
  }

  backward(dy: Float32Array, needDx: boolean): Float32Array | undefined {
    const n = checkGrad(this, dy, this.n);
    if (!needDx) return undefined;
    const [h, w, c] = this.inShape, dx = gradients.take(n * h * w * c);
    this.k.maxPoolBackward(dy, this.arg!, n, h, w, c, this.outShape[0], this.outShape[1], dx);
    return dx;
  }
}
