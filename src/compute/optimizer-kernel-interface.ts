import { checkLayerArrays } from './layer-kernel-interface.js';

/** One Adam / AdamW step's scalars; the powers of β are taken once, by the caller, so every implementation uses the same. */
export interface AdamStep {
  /** lr / (1 − β₁ᵗ) */
  stepSize: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** 1 − β₂ᵗ */
  bc2: number;
  /** Adam: weightDecay·p is added to the gradient */
  weightDecay: number;
  /** AdamW: p is scaled by shrink = 1 − lr·weightDecay before the step */
  shrink: number;
  decoupled: boolean;
}

/**
 * The optimiser's elementwise update, the largest memory pass of a training step after the layers
 * (every parameter, its gradient and two moments). The native addon (native/optimizer.cc) and the
 * TypeScript fallback compute it in double arithmetic rounded to float32 at each stored value, and agree
 * bit for bit.
 */
export interface OptimizerKernels {
  /** p, m, v (size values each) updated in place from g: m = β₁m + (1−β₁)g, v = β₂v + (1−β₂)g², p −= stepSize·m / (√(v/bc2) + eps). */
  adamUpdate(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, size: number, a: AdamStep): void;
}

/** Validating wrapper: every implementation's update goes through the same size checks. */
export function checkedOptimizerKernels(k: OptimizerKernels): OptimizerKernels {
  return {
    adamUpdate(p, g, m, v, size, a) {
      checkLayerArrays('adamUpdate', { size }, { p: [p, size], g: [g, size], m: [m, size], v: [v, size] });
      k.adamUpdate(p, g, m, v, size, a);
    },
  };
}
