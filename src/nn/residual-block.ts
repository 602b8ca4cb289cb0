import { kernels, type Kernels } from '../compute/index.js';
import { checkGrad, checkInput, floatScratch, type Layer, type Param, gradients } from './layer.js';
import { BatchNorm } from './batch-norm.js';
import { Sequential } from './sequential.js';

const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * A residual block, y = max(0, main(x) + shortcut(x)), with the identity as the shortcut when none is
 * given (torchvision's BasicBlock and Bottleneck: the last BatchNorm of `main` has no ReLU of its own).
 * Params: main's, then shortcut's.
 */
export class ResidualBlock implements Layer {
  readonly inShape: readonly number[];
  readonly outShape: readonly number[];
  readonly params: readonly Param[];
  private readonly main: Sequential;
  private readonly shortcut: Sequential | undefined;
  private readonly y = floatScratch();
  /** the join is written over the main path's output: a BatchNorm without ReLU, whose backward never reads it */
  private readonly inPlace: boolean;
  private out: Float32Array | undefined;
  private n: number | undefined;

  constructor(readonly name: string, main: Layer[], shortcut?: Layer[], private readonly k: Kernels = kernels()) {
    this.main = new Sequential(`${name} main path`, main);
    this.shortcut = shortcut && new Sequential(`${name} shortcut`, shortcut);
    this.inShape = this.main.inShape;
    this.outShape = this.main.outShape;
    const [what, from, to] = this.shortcut ? ['shortcut', this.shortcut.inShape, this.shortcut.outShape] : ['identity shortcut', this.inShape, this.inShape];
    if (!same(from, this.inShape) || !same(to, this.outShape)) {
      const show = (a: readonly number[], b: readonly number[]) => `[${a.join(', ')}] to [${b.join(', ')}]`;
      throw new Error(`${name}: the main path maps ${show(this.inShape, this.outShape)} but the ${what} maps ${show(from, to)}`);
    }
    this.params = [...this.main.params, ...(this.shortcut?.params ?? [])];
    const last = main[main.length - 1];
    this.inPlace = last instanceof BatchNorm && !last.relu;
  }

  forward(x: Float32Array, n: number, training: boolean): Float32Array {
    checkInput(this, x, n);
    const a = this.main.forward(x, n, training);
    const b = this.shortcut ? this.shortcut.forward(x, n, training) : x;
    // in place, a block holds one output-sized buffer less (as torchvision's out += identity; relu(out))
    const y = this.inPlace ? a : this.y.get(a.length);
    this.k.addRelu(a, b, y, a.length);
    this.out = training ? y : undefined;
    this.n = training ? n : undefined;
    return y;
  }

  backward(dy: Float32Array, needDx: boolean): Float32Array | undefined {
    checkGrad(this, dy, this.n);
    const dz = gradients.take(dy.length);
    this.k.reluBackward(this.out!, dy, dz, dy.length);
    const dMain = this.main.backward(dz, needDx);
    const dShortcut = this.shortcut ? this.shortcut.backward(dz, needDx) : dz;
    if (!needDx) {
      gradients.give(dz);
      return undefined;
    }
    // the sum goes into the main path's gradient, so only the shortcut's (or dz) goes back
    this.k.add(dMain!, dShortcut!, dMain!, dMain!.length);
    if (this.shortcut) gradients.give(dShortcut!);
    gradients.give(dz);
    return dMain;
  }
}
