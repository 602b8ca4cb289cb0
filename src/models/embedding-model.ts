import * as tf from '@tensorflow/tfjs-core';

/**
 * An embedding network: named trainable tensors and a forward pass. Parameters live in tf.Variables
 * so that tf.variableGrads gives their gradients; facet's own optimiser updates them (see train/).
 * In training the raw embedding is returned, at evaluation it is L2-normalised (as the reference's
 * LinearEmbedding).
 */
export interface EmbeddingModel {
  readonly kind: string;
  /** per-sample input shape, e.g. [d] or [28, 28, 1] */
  readonly inputShape: number[];
  readonly embeddingDim: number;
  readonly params: Map<string, tf.Variable>;
  /** switches BatchNorm between batch statistics (training) and running statistics; absent without BN */
  setTraining?(training: boolean): void;
  /** input [B, ...inputShape] → raw embeddings [B, embeddingDim] */
  forward(x: tf.Tensor): tf.Tensor2D;
  /**
   * Present on models with their own backward pass (facet's layers over the native kernels), which
   * train without tfjs autodiff: a training-mode forward of `batch` inputs, then `backward` of dL/de
   * gives every trainable parameter's gradient by name.
   */
  trainForward?(x: Float32Array, batch: number): { embedding: Float32Array; backward(gradEmbedding: Float32Array): Map<string, Float32Array> };
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

export function variable(name: string, data: Float32Array, shape: number[]): tf.Variable {
  return tf.variable(tf.tensor(data, shape), true, `${name}_${Math.random().toString(36).slice(2)}`);
}

/** Embeds `x` (n × inputShape, row-major) in batches, L2-normalised (evaluation mode); `onProgress` gets the rows done. */
export function embed(model: EmbeddingModel, x: Float32Array, n: number, batch = 256, onProgress?: (rowsDone: number) => void): Float32Array {
  const d = model.embeddingDim;
  const per = model.inputShape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n * d);
  model.setTraining?.(false);
  for (let i = 0; i < n; i += batch) {
    const rows = Math.min(batch, n - i);
    const e = tf.tidy(() => {
      const raw = model.forward(tf.tensor(x.subarray(i * per, (i + rows) * per), [rows, ...model.inputShape]));
      return tf.div(raw, tf.maximum(tf.norm(raw, 2, 1, true), 1e-12));
    });
    out.set(e.dataSync() as Float32Array, i * d);
    e.dispose();
    onProgress?.(i + rows);
  }
  return out;
}
