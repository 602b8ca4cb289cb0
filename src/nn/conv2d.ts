import { kernels, type ConvShape, type Kernels } from '../compute/index.js';
import { convSizes } from '../compute/conv-shape.js';
import { checkGrad, checkInput, floatScratch, param, type Layer, type Param } from './layer.js';

/** Largest im2col matrix (floats) a training forward keeps for the filter gradient (128 MB); larger batches rebuild it from x. */
const keepColumnsFloats = 32 << 20;

/**
 * k×k stride-1 'same' convolution without bias (a BatchNorm follows), NHWC, filter [k, k, c, oc].
 * A training forward keeps its im2col columns, so the filter gradient is one sgemm over them.
 */
export class Conv2d implements Layer {
  readonly inShape: readonly number[];
  readonly outShape: readonly number[];
  readonly params: readonly Param[];
  private readonly w: Param;
  private readonly y = floatScratch();
  private readonly dx = floatScratch();
  private readonly cols = floatScratch();
  private colsKept = false;
  private x: Float32Array | undefined;
  private n: number | undefined;

  constructor(
    readonly name: string, inShape: readonly number[], outChannels: number, filter: Float32Array, readonly size = 3,
    private readonly k: Kernels = kernels(),
  ) {
    if (inShape.length !== 3) throw new Error(`${name}: input shape must be [h, w, c], got [${inShape.join(', ')}]`);
    this.inShape = inShape;
    this.outShape = [inShape[0], inShape[1], outChannels];
    this.w = param(`${name}.w`, [size, size, inShape[2], outChannels], filter);
    this.params = [this.w];
  }

  private shape(n: number): ConvShape {
    const [h, w, c] = this.inShape, p = (this.size - 1) >> 1;
    return { n, h, w, c, fh: this.size, fw: this.size, oc: this.outShape[2], sh: 1, sw: 1, dh: 1, dw: 1, padTop: p, padLeft: p, oh: h, ow: w };
  }

  forward(x: Float32Array, n: number, training: boolean): Float32Array {
    checkInput(this, x, n);
    const s = this.shape(n);
    const y = this.y.get(n * s.oh * s.ow * s.oc);
    const colsSize = convSizes(s).cols;
    this.colsKept = training && colsSize <= keepColumnsFloats;
    this.k.conv2dForward(s, x, this.w.value, y, this.colsKept ? this.cols.get(colsSize) : undefined);
    this.x = training ? x : undefined;
    this.n = training ? n : undefined;
    return y;
  }

  backward(dy: Float32Array, needDx: boolean): Float32Array | undefined {
    const s = this.shape(checkGrad(this, dy, this.n));
    if (this.colsKept) this.k.conv2dBackpropFilterColumns(s, this.cols.get(convSizes(s).cols), dy, this.w.grad!);
    else this.k.conv2dBackpropFilter(s, this.x!, dy, this.w.grad!);
    if (!needDx) return undefined;
    const dx = this.dx.get(this.x!.length);
    this.k.conv2dBackpropInput(s, dy, this.w.value, dx);
    return dx;
  }
}
