import { checkedSoftmaxKernels, type SoftmaxKernels } from './softmax-kernel-interface.js';

/** The margin softmax rows in TypeScript (the specification native/softmax.cc follows). */
export const softmaxFallbackKernels: SoftmaxKernels = checkedSoftmaxKernels({
  marginSoftmaxRows(z, rows, C, labels, phi, dphi, scale, norm) {
    let lossSum = 0;
    for (let i = 0; i < rows; i++) {
      const y = labels[i];
      const off = i * C;
      const target = scale * phi[i];
      // softmax in float64; each exp is computed once, kept in the row (float32) and scaled by 1/sum,
      // except the target's, kept in float64 because dL/dz = p − 1 there
      let max = target;
      for (let c = 0; c < C; c++) if (c !== y && scale * z[off + c] > max) max = scale * z[off + c];
      const eTarget = Math.exp(target - max);
      let sum = eTarget;
      for (let c = 0; c < C; c++) {
        if (c === y) continue;
        const e = Math.exp(scale * z[off + c] - max);
        z[off + c] = e;
        sum += e;
      }
      lossSum += Math.log(sum) + max - target;
      const gradScale = scale / (sum * norm);
      for (let c = 0; c < C; c++) z[off + c] *= gradScale;
      z[off + y] = ((eTarget / sum - 1) * scale * dphi[i]) / norm;
    }
    return lossSum;
  },
});
