import { checkedOptimizerKernels, type OptimizerKernels } from './optimizer-kernel-interface.js';

/** The optimiser update in TypeScript (the specification native/optimizer.cc follows). */
export const optimizerFallbackKernels: OptimizerKernels = checkedOptimizerKernels({
  adamUpdate(p, g, m, v, size, a) {
    for (let i = 0; i < size; i++) {
      let gi = g[i];
      if (a.decoupled) p[i] *= a.shrink;
      else gi += a.weightDecay * p[i];
      m[i] = a.beta1 * m[i] + (1 - a.beta1) * gi;
      v[i] = a.beta2 * v[i] + (1 - a.beta2) * gi * gi;
      p[i] -= (a.stepSize * m[i]) / (Math.sqrt(v[i] / a.bc2) + a.eps);
    }
  },
});
