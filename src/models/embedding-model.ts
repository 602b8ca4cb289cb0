import { l2NormalizeRows } from '../eval/normalize.js';
import type { Param } from '../nn/index.js';

/**
 * An embedding network on facet's engine (src/nn): its parameters are Float32Arrays the model owns,
 * trained by hand-written backward passes over the compute kernels. In training the raw embedding is
 * returned, at evaluation it is L2-normalised (as the reference's LinearEmbedding) by `embed`.
 */
export interface EmbeddingModel {
  readonly kind: string;
  /** per-sample input shape, e.g. [d] or [28, 28, 1] */
  readonly inputShape: number[];
  readonly embeddingDim: number;
  /** every parameter by name: trainable ones carry a `grad`, state (BatchNorm's running statistics) does not */
  readonly params: Map<string, Param>;
  /** raw embeddings of `n` inputs in evaluation mode (BatchNorm on running statistics); a view valid until the next call */
  forward(x: Float32Array, n: number): Float32Array;
  /**
   * A training-mode forward of `batch` inputs (BatchNorm on batch statistics, its running statistics
   * updated); `backward` of dL/de then fills every trainable parameter's gradient and returns them by
   * name (views of the params' `grad` arrays, valid until the next backward).
   */
  trainForward(x: Float32Array, batch: number): { embedding: Float32Array; backward(gradEmbedding: Float32Array): Map<string, Float32Array> };
}

/** Xavier-uniform init (as the reference's W and torch's Linear are close to) from a seeded source. */
export function xavierUniform(fanIn: number, fanOut: number, size: number, next: () => number): Float32Array {
  const a = Math.sqrt(6 / (fanIn + fanOut));
  return Float32Array.from({ length: size }, () => (next() * 2 - 1) * a);
}

/** He-uniform init for layers followed by ReLU. */
export function heUniform(fanIn: number, size: number, next: () => number): Float32Array {
  const a = Math.sqrt(6 / fanIn);
  return Float32Array.from({ length: size }, () => (next() * 2 - 1) * a);
}

/** Embeds `x` (n × inputShape, row-major) in batches, L2-normalised (evaluation mode); `onProgress` gets the rows done. */
export function embed(model: EmbeddingModel, x: Float32Array, n: number, batch = 256, onProgress?: (rowsDone: number) => void): Float32Array {
  const d = model.embeddingDim;
  const per = model.inputShape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i += batch) {
    const rows = Math.min(batch, n - i);
    const raw = model.forward(x.subarray(i * per, (i + rows) * per), rows);
    l2NormalizeRows(raw, rows, d, { out: out.subarray(i * d, (i + rows) * d) });
    onProgress?.(i + rows);
  }
  return out;
}
