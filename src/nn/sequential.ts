import { checkInput, type Layer, type Param, gradients } from './layer.js';

/** Layers in a chain: forward through all, backward in reverse (no input gradient for the first layer). */
export class Sequential implements Layer {
  readonly inShape: readonly number[];
  readonly outShape: readonly number[];
  readonly params: readonly Param[];
  private trained = false;

  constructor(readonly name: string, readonly layers: readonly Layer[]) {
    if (layers.length === 0) throw new Error(`${name}: no layers`);
    for (let i = 1; i < layers.length; i++) {
      const a = layers[i - 1].outShape, b = layers[i].inShape;
      if (a.reduce((p, q) => p * q, 1) !== b.reduce((p, q) => p * q, 1)) {
        throw new Error(`${name}: ${layers[i - 1].name} gives [${a.join(', ')}] but ${layers[i].name} takes [${b.join(', ')}]`);
      }
    }
    this.inShape = layers[0].inShape;
    this.outShape = layers[layers.length - 1].outShape;
    this.params = layers.flatMap((l) => l.params);
  }

  forward(x: Float32Array, n: number, training: boolean): Float32Array {
    checkInput(this, x, n);
    let h = x;
    for (const l of this.layers) h = l.forward(h, n, training);
    this.trained = training;
    return h;
  }

  backward(dy: Float32Array, needDx = false): Float32Array | undefined {
    if (!this.trained) throw new Error(`${this.name}: backward needs a training forward first`);
    let g: Float32Array | undefined = dy;
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const next = this.layers[i].backward(g!, i > 0 || needDx);
      // a gradient a layer of this chain returned is dead once the layer before has read it (dy is the caller's)
      if (g !== dy) gradients.give(g!);
      g = next;
    }
    this.trained = false;
    return g;
  }

  /** The gradients of the trainable params after backward, by name (views of the layers' buffers). */
  grads(): Map<string, Float32Array> {
    return new Map(this.params.filter((p) => p.grad).map((p) => [p.name, p.grad!]));
  }
}
