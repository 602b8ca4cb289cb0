import { kernels, type ConvShape, type Kernels } from '../compute/index.js';
import { convSizes } from '../compute/conv-shape.js';
import { checkGrad, checkInput, floatScratch, param, type Layer, type Param, gradients } from './layer.js';

/** Largest im2col matrix (floats) a training forward keeps for the filter gradient (128 MB); larger batches rebuild it from x. */
const keepColumnsFloats = 32 << 20;

export interface Conv2dOptions {
  /** filter side (default 3); padding is size >> 1 on every side, as torchvision's ResNet */
  size?: number;
  /** default 1 */
  stride?: number;
  /** keep the training forward's im2col columns for the filter gradient (default true; never with kernels whose convColumns is false); false rebuilds them from x, saving memory */
  keepColumns?: boolean;
}

/**
 * size×size convolution with stride and zero padding size >> 1, without bias (a BatchNorm follows),
 * NHWC, filter [size, size, c, oc]; output side ⌊(h + 2·pad − size)/stride⌋ + 1. On im2col kernels a
 * training forward keeps its columns (keepColumns), so the filter gradient is one sgemm over them.
 */
export class Conv2d implements Layer {
  readonly inShape: readonly number[];
  readonly outShape: readonly number[];
  readonly params: readonly Param[];
  readonly size: number;
  readonly stride: number;
  private readonly keepColumns: boolean;
  private readonly w: Param;
  private readonly y = floatScratch();
  private readonly cols = floatScratch();
  private colsKept = false;
  private x: Float32Array | undefined;
  private n: number | undefined;

  constructor(
    readonly name: string, inShape: readonly number[], outChannels: number, filter: Float32Array, options: Conv2dOptions = {},
    private readonly k: Kernels = kernels(),
  ) {
    if (inShape.length !== 3) throw new Error(`${name}: input shape must be [h, w, c], got [${inShape.join(', ')}]`);
    const size = options.size ?? 3, stride = options.stride ?? 1;
    for (const [what, v] of [['size', size], ['stride', stride]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`${name}: ${what} must be a positive integer, got ${v}`);
    }
    // padding size >> 1 makes any filter fit: at least one output row and column
    const p = size >> 1, oh = Math.floor((inShape[0] + 2 * p - size) / stride) + 1, ow = Math.floor((inShape[1] + 2 * p - size) / stride) + 1;
    this.size = size;
    this.stride = stride;
    // a 1×1 stride-1 input already is its column matrix: nothing to keep; oneDNN's kernels use no columns
    this.keepColumns = (options.keepColumns ?? true) && k.convColumns && !(size === 1 && stride === 1);
    this.inShape = inShape;
    this.outShape = [oh, ow, outChannels];
    this.w = param(`${name}.w`, [size, size, inShape[2], outChannels], filter);
    this.params = [this.w];
  }

  private shape(n: number): ConvShape {
    const [h, w, c] = this.inShape, [oh, ow, oc] = this.outShape, p = this.size >> 1, s = this.stride;
    return { n, h, w, c, fh: this.size, fw: this.size, oc, sh: s, sw: s, dh: 1, dw: 1, padTop: p, padLeft: p, oh, ow };
  }

  forward(x: Float32Array, n: number, training: boolean): Float32Array {
    checkInput(this, x, n);
    const s = this.shape(n);
    const y = this.y.get(n * s.oh * s.ow * s.oc);
    const colsSize = convSizes(s).cols;
    this.colsKept = training && this.keepColumns && colsSize <= keepColumnsFloats;
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
    const dx = gradients.take(this.x!.length);
    this.k.conv2dBackpropInput(s, dy, this.w.value, dx);
    return dx;
  }
}
