import { kernels, type Kernels } from '../compute/index.js';
import { checkGrad, checkInput, floatScratch, param, sizeOf, type Layer, type Param, gradients } from './layer.js';

/** y = x·W + b with W [in, out]; the per-sample input of any shape is flattened (row-major, NHWC order). */
export class Linear implements Layer {
  readonly outShape: readonly number[];
  readonly params: readonly Param[];
  readonly w: Param;
  readonly b: Param;
  private readonly inF: number;
  private readonly y = floatScratch();
  private x: Float32Array | undefined;
  private n: number | undefined;

  constructor(readonly name: string, readonly inShape: readonly number[], outFeatures: number, w: Float32Array, private readonly k: Kernels = kernels()) {
    this.inF = sizeOf(inShape);
    this.outShape = [outFeatures];
    this.w = param(`${name}.w`, [this.inF, outFeatures], w);
    this.b = param(`${name}.b`, [outFeatures], new Float32Array(outFeatures));
    this.params = [this.w, this.b];
  }

  forward(x: Float32Array, n: number, training: boolean): Float32Array {
    checkInput(this, x, n);
    const out = this.outShape[0], y = this.y.get(n * out), b = this.b.value;
    for (let i = 0; i < n; i++) y.set(b, i * out);
    this.k.sgemm(false, false, n, out, this.inF, 1, x, this.w.value, 1, y);
    this.x = training ? x : undefined;
    this.n = training ? n : undefined;
    return y;
  }

  backward(dy: Float32Array, needDx: boolean): Float32Array | undefined {
    const n = checkGrad(this, dy, this.n), out = this.outShape[0];
    this.k.sgemm(true, false, this.inF, out, n, 1, this.x!, dy, 0, this.w.grad!);
    const db = this.b.grad!;
    db.fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < out; j++) db[j] += dy[i * out + j];
    if (!needDx) return undefined;
    const dx = gradients.take(n * this.inF);
    this.k.sgemm(false, true, n, this.inF, out, 1, dy, this.w.value, 0, dx);
    return dx;
  }
}
