import { checkLayerArrays } from './layer-kernel-interface.js';

/**
 * The margin heads' softmax cross-entropy over chunks of rows × classes cosines (src/heads/margin-loss.ts),
 * the largest elementwise pass of a BroadFace step (queue × classes exps). The native addon (native/softmax.cc,
 * threaded over rows, a vectorised double exp within 9e-15 relative of std::exp) and the TypeScript fallback
 * (softmax-fallback.ts, Math.exp) agree within float32 rounding of dL/dz (measured on 512 × 10,470 ArcFace rows:
 * one value in 5.4 M a float32 ulp apart; at the labels 1e-13 of scale·dphi/norm) and 4e-14 in a row's loss.
 */
export interface SoftmaxKernels {
  /**
   * Row i of z (rows × classes) holds cosines; its logits are scale·z except the label's, scale·phi[i] (the
   * margin's target transform of that cosine, computed by the caller, with derivative dphi[i]). Softmax in
   * double; z is overwritten with dL/dz of the mean loss over `norm` rows: p_c·scale/norm off the label,
   * (p_y − 1)·scale·dphi[i]/norm at it. Returns Σ_i log Σ_c exp(logit) − scale·phi[i].
   */
  marginSoftmaxRows(
    z: Float32Array, rows: number, classes: number, labels: Int32Array, phi: Float64Array, dphi: Float64Array, scale: number, norm: number,
  ): number;
}

/** Validating wrapper: every implementation goes through the same size, label and scale checks. */
export function checkedSoftmaxKernels(k: SoftmaxKernels): SoftmaxKernels {
  return {
    marginSoftmaxRows(z, rows, classes, labels, phi, dphi, scale, norm) {
      checkLayerArrays('marginSoftmaxRows', { rows, classes }, { z: [z, rows * classes], labels: [labels, rows], phi: [phi, rows], dphi: [dphi, rows] });
      if (!(scale > 0)) throw new Error(`marginSoftmaxRows: scale must be positive, got ${scale}`);
      for (let i = 0; i < rows; i++) {
        const y = labels[i];
        if (!(y >= 0 && y < classes)) throw new Error(`marginSoftmaxRows: label ${y} of row ${i} is outside 0…${classes - 1}`);
      }
      return k.marginSoftmaxRows(z, rows, classes, labels, phi, dphi, scale, norm);
    },
  };
}
