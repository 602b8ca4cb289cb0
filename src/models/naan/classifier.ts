import { kernels, type Kernels } from '../../compute/index.js';
import { floatScratch } from '../../nn/layer.js';
import { preluBackward, preluForward } from '../../nn/prelu.js';
import type { NaanParams } from './types.js';

/**
 * NAAN's pair classifier Linear(2D, D) → PReLU(D) → Linear(D, 2), scored in both orders and
 * averaged: logits(a, b) = (f([z_a; z_b]) + f([z_b; z_a])) / 2. [z_a; z_b]·W₁ is z_a·W₁[:D] + z_b·W₁[D:],
 * so z is multiplied by the two halves of W₁ once and both orders are sums of those rows (no 2D-wide
 * concatenation). Like a layer: forward keeps what backward needs, buffers are reused.
 */
export class PairClassifier {
  private readonly top = floatScratch();
  private readonly bottom = floatScratch();
  private readonly pre = floatScratch();
  private readonly act = floatScratch();
  private readonly raw = floatScratch();
  private readonly logits = floatScratch();
  private readonly dRaw = floatScratch();
  private readonly dPre = floatScratch();
  private readonly dPreSwapped = floatScratch();
  private readonly dz = floatScratch();
  private saved: { z: Float32Array; B: number } | undefined;

  constructor(private readonly p: NaanParams, private readonly D: number, private readonly k: Kernels = kernels()) {}

  /** Logits [B, 2] of the B pairs (a_i, b_i) from z = [z_a (B rows); z_b (B rows)] [2B, D]. */
  forward(z: Float32Array, B: number, training: boolean): Float32Array {
    const D = this.D, w1 = this.p['classifier.0.weight'];
    const top = this.top.get(2 * B * D), bottom = this.bottom.get(2 * B * D), pre = this.pre.get(2 * B * D);
    this.k.sgemm(false, false, 2 * B, D, D, 1, z, w1.subarray(0, D * D), 0, top);
    this.k.sgemm(false, false, 2 * B, D, D, 1, z, w1.subarray(D * D), 0, bottom);
    // rows 0…B−1: order (a, b) = top[a] + bottom[b]; rows B…2B−1: order (b, a) = top[b] + bottom[a]
    for (let i = 0; i < 2 * B; i++) {
      const o = i * D, s = ((i + B) % (2 * B)) * D;
      for (let d = 0; d < D; d++) pre[o + d] = top[o + d] + bottom[s + d];
    }
    this.saved = training ? { z, B } : undefined;
    return this.head(pre, B);
  }

  /**
   * The classifier after W₁'s product, for pre [2B, D] holding z·W₁ of order (a, b) in rows 0…B−1
   * and of order (b, a) in rows B…2B−1 (modified: + b₁): PReLU → Linear(D, 2) → the orders averaged → [B, 2].
   */
  head(pre: Float32Array, B: number): Float32Array {
    const D = this.D, b1 = this.p['classifier.0.bias'], b2 = this.p['classifier.2.bias'];
    for (let i = 0; i < 2 * B; i++) for (let d = 0; d < D; d++) pre[i * D + d] += b1[d];
    const act = this.act.get(2 * B * D), raw = this.raw.get(4 * B), logits = this.logits.get(2 * B);
    preluForward(pre, 2 * B, D, this.p['classifier.1.weight'], act);
    this.k.sgemm(false, false, 2 * B, 2, D, 1, act, this.p['classifier.2.weight'], 0, raw);
    for (let i = 0; i < B; i++) {
      for (let c = 0; c < 2; c++) logits[2 * i + c] = (raw[2 * i + c] + raw[2 * (B + i) + c]) / 2 + b2[c];
    }
    return logits;
  }

  /** Given dLogits [B, 2] of the last training forward: writes the classifier.* gradients into `grads` and returns dz [2B, D]. */
  backward(dLogits: Float32Array, grads: NaanParams): Float32Array {
    const s = this.saved;
    if (!s) throw new Error('PairClassifier: backward needs a training forward first');
    const { z, B } = s, D = this.D, w1 = this.p['classifier.0.weight'], gw1 = grads['classifier.0.weight'];
    const dRaw = this.dRaw.get(4 * B), dPre = this.dPre.get(2 * B * D), dSwapped = this.dPreSwapped.get(2 * B * D), dz = this.dz.get(2 * B * D);
    const gb2 = grads['classifier.2.bias'];
    gb2.fill(0);
    for (let i = 0; i < B; i++) {
      for (let c = 0; c < 2; c++) {
        const g = dLogits[2 * i + c];
        dRaw[2 * i + c] = dRaw[2 * (B + i) + c] = g / 2;
        gb2[c] += g;
      }
    }
    const pre = this.pre.get(2 * B * D), act = this.act.get(2 * B * D);
    this.k.sgemm(true, false, D, 2, 2 * B, 1, act, dRaw, 0, grads['classifier.2.weight']);
    this.k.sgemm(false, true, 2 * B, D, 2, 1, dRaw, this.p['classifier.2.weight'], 0, dPre);
    preluBackward(pre, dPre, 2 * B, D, this.p['classifier.1.weight'], dPre, grads['classifier.1.weight']);
    const gb1 = grads['classifier.0.bias'];
    gb1.fill(0);
    for (let i = 0; i < 2 * B; i++) for (let d = 0; d < D; d++) gb1[d] += dPre[i * D + d];
    // top rows feed their own row of pre, bottom rows the row of the other order: dBottom is dPre with halves swapped
    dSwapped.set(dPre.subarray(B * D), 0);
    dSwapped.set(dPre.subarray(0, B * D), B * D);
    this.k.sgemm(true, false, D, D, 2 * B, 1, z, dPre, 0, gw1.subarray(0, D * D));
    this.k.sgemm(true, false, D, D, 2 * B, 1, z, dSwapped, 0, gw1.subarray(D * D));
    this.k.sgemm(false, true, 2 * B, D, D, 1, dPre, w1.subarray(0, D * D), 0, dz);
    this.k.sgemm(false, true, 2 * B, D, D, 1, dSwapped, w1.subarray(D * D), 1, dz);
    return dz;
  }
}
