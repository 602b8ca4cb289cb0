import { checkGrad, checkInput, floatScratch, type Layer, gradients } from './layer.js';

/** Mean over the spatial positions of NHWC input: [h, w, c] → [c]. */
export class GlobalAvgPool implements Layer {
  readonly outShape: readonly number[];
  readonly params = [];
  private readonly y = floatScratch();
  private n: number | undefined;

  constructor(readonly name: string, readonly inShape: readonly number[]) {
    if (inShape.length !== 3) throw new Error(`${name}: input shape must be [h, w, c], got [${inShape.join(', ')}]`);
    this.outShape = [inShape[2]];
  }

  forward(x: Float32Array, n: number, training: boolean): Float32Array {
    checkInput(this, x, n);
    const [h, w, c] = this.inShape, hw = h * w, y = this.y.get(n * c);
    const acc = new Float64Array(c);
    for (let i = 0; i < n; i++) {
      acc.fill(0);
      for (let p = 0; p < hw; p++) {
        const o = (i * hw + p) * c;
        for (let ch = 0; ch < c; ch++) acc[ch] += x[o + ch];
      }
      for (let ch = 0; ch < c; ch++) y[i * c + ch] = acc[ch] / hw;
    }
    this.n = training ? n : undefined;
    return y;
  }

  backward(dy: Float32Array, needDx: boolean): Float32Array | undefined {
    const n = checkGrad(this, dy, this.n);
    if (!needDx) return undefined;
    const [h, w, c] = this.inShape, hw = h * w, dx = gradients.take(n * hw * c);
    for (let i = 0; i < n; i++)
      for (let p = 0; p < hw; p++) {
        const o = (i * hw + p) * c;
        for (let ch = 0; ch < c; ch++) dx[o + ch] = dy[i * c + ch] / hw;
      }
    return dx;
  }
}
