/**
 * facet's own training engine: layers over flat NHWC Float32Arrays with hand-written backward
 * passes on the compute kernels (native addon or TypeScript fallback): the one engine every model trains on.
 *
 * A layer's forward keeps what its backward needs (references to its input and its own output
 * buffers), so one forward is followed by at most one backward, and the next forward overwrites
 * the buffers: arrays a layer returns stay valid only until its next call. Buffers grow to the
 * largest batch seen and are reused, so steady-state steps allocate no big arrays.
 *
 * Input gradients are different: a layer's dx is read once, by the layer before it, and then dead.
 * So they come from one shared `GradientPool`: backward takes its dx from `gradients` and hands it to
 * the caller, who gives it back once the previous layer has consumed it (Sequential and ResidualBlock
 * do). A network then holds a few gradient buffers at a time instead of one per layer, as PyTorch's
 * autograd frees them; for ResNet-50 that is about a third of a step's peak memory.
 */
export interface Param {
  /** dotted name, e.g. `conv0.w`; the model's parameter (checkpoint) name */
  readonly name: string;
  readonly shape: readonly number[];
  /** current values; the layer only reads them (except state such as BatchNorm's running statistics) */
  value: Float32Array;
  /** dL/d value after backward; absent for non-trainable state */
  readonly grad?: Float32Array;
}

export interface Layer {
  readonly name: string;
  /** per-sample input and output shapes */
  readonly inShape: readonly number[];
  readonly outShape: readonly number[];
  readonly params: readonly Param[];
  /** x holds n samples of inShape; returns n samples of outShape (a buffer the layer owns). */
  forward(x: Float32Array, n: number, training: boolean): Float32Array;
  /** dy of the last forward's output → param grads, and dx when needDx (a buffer the layer owns). */
  backward(dy: Float32Array, needDx: boolean): Float32Array | undefined;
}

export const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** A reusable buffer: get(size) returns a view of the first `size` values, growing the storage when needed. */
export class Scratch<T extends Float32Array | Int32Array = Float32Array> {
  private buf: T;
  constructor(private readonly make: (n: number) => T) {
    this.buf = make(0);
  }

  get(size: number): T {
    if (this.buf.length < size) this.buf = this.make(size);
    return (this.buf.length === size ? this.buf : this.buf.subarray(0, size)) as T;
  }
}

export const floatScratch = () => new Scratch((n) => new Float32Array(n));

export function param(name: string, shape: readonly number[], value: Float32Array, trainable = true): Param {
  if (value.length !== sizeOf(shape)) throw new Error(`${name}: ${value.length} values for shape [${shape.join(', ')}]`);
  return trainable ? { name, shape, value, grad: new Float32Array(value.length) } : { name, shape, value };
}

/** Throws when a forward input does not hold n samples of the layer's input shape. */
export function checkInput(layer: Layer, x: Float32Array, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`${layer.name}: batch must be a positive integer, got ${n}`);
  const need = n * sizeOf(layer.inShape);
  if (x.length !== need) {
    throw new Error(`${layer.name}: input has ${x.length} values, ${n} samples of [${layer.inShape.join(', ')}] need ${need}`);
  }
}

/** Throws when backward comes without a matching forward or with a gradient of the wrong size. */
export function checkGrad(layer: Layer, dy: Float32Array, n: number | undefined): number {
  if (n === undefined) throw new Error(`${layer.name}: backward needs a training forward first`);
  const need = n * sizeOf(layer.outShape);
  if (dy.length !== need) throw new Error(`${layer.name}: output gradient has ${dy.length} values, expected ${need}`);
  return n;
}

/**
 * Float32 buffers lent out and given back (see the header): take(size) returns a buffer of `size`
 * values, reusing the smallest free one that is large enough. Single-threaded JS and one backward at a
 * time make a global pool safe; a buffer must be given back at most once, and not used afterwards.
 */
export class GradientPool {
  private free: ArrayBuffer[] = [];

  take(size: number): Float32Array {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const b = this.free[i].byteLength;
      if (b >= size * 4 && (best < 0 || b < this.free[best].byteLength)) best = i;
    }
    if (best < 0) return new Float32Array(size);
    const [buf] = this.free.splice(best, 1);
    return new Float32Array(buf, 0, size);
  }

  give(a: Float32Array): void {
    this.free.push(a.buffer as ArrayBuffer);
  }
}

/** The pool every layer's input gradient comes from. */
export const gradients = new GradientPool();
