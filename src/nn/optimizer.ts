import { kernels } from '../compute/index.js';

/** Optimisers on plain float arrays, so that one code path updates the trainer's model, the heads' W and NAAN, and
 * their whole state fits in a checkpoint. Formulas follow torch.optim (Adam with coupled L2 weight
 * decay as the reference uses; AdamW with decoupled decay; SGD with momentum and coupled decay). */
export type OptimizerKind = 'adam' | 'adamw' | 'sgd';

export const optimizerKinds: OptimizerKind[] = ['adam', 'adamw', 'sgd'];

export interface OptimizerOptions {
  kind: OptimizerKind;
  weightDecay: number;
  /** SGD momentum (0 = plain SGD) */
  momentum: number;
  beta1: number;
  beta2: number;
  eps: number;
}

export interface OptimizerState {
  step: number;
  /** first moment (Adam) or momentum buffer (SGD), per parameter */
  m: Record<string, Float32Array>;
  /** second moment (Adam) */
  v: Record<string, Float32Array>;
}

export function emptyOptimizerState(): OptimizerState {
  return { step: 0, m: {}, v: {} };
}

/** Updates `p` in place by gradient `g` (not modified) at learning rate `lr`. Call `state.step++` once per step first. */
export function optimizerUpdate(name: string, p: Float32Array, g: Float32Array, lr: number, o: OptimizerOptions, state: OptimizerState): void {
  if (p.length !== g.length) throw new Error(`optimiser: parameter ${name} has ${p.length} values, gradient ${g.length}`);
  const m = (state.m[name] ??= new Float32Array(p.length));
  const wd = o.weightDecay;
  if (o.kind === 'sgd') {
    for (let i = 0; i < p.length; i++) {
      const gi = g[i] + wd * p[i];
      m[i] = state.step === 1 ? gi : o.momentum * m[i] + gi;
      p[i] -= lr * (o.momentum > 0 ? m[i] : gi);
    }
    return;
  }
  const v = (state.v[name] ??= new Float32Array(p.length));
  kernels().adamUpdate(p, g, m, v, p.length, {
    stepSize: lr / (1 - o.beta1 ** state.step), beta1: o.beta1, beta2: o.beta2, eps: o.eps, bc2: 1 - o.beta2 ** state.step,
    weightDecay: wd, shrink: 1 - lr * wd, decoupled: o.kind === 'adamw',
  });
}
