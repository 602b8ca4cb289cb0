import type { MarginDefinition } from './margin.js';

/**
 * ArcFace: cos(θ + m), in the reference's non-easy-margin form: cos(θ+m) = cos·cos m − sin·sin m
 * while cos > cos(π−m), otherwise cos − m·sin(π−m).
 * Deviation from the reference: sin = sqrt(1 − cos²) is taken of cos clamped to [−1, 1], and the
 * derivative's 1/sin is capped at 1e6, so a row parallel to its class weight gives a finite loss and
 * gradient where the original gives NaN (broadface.md pitfall 4).
 */
export const arcFace: MarginDefinition = {
  title: 'ArcFace',
  defaultMargin: 0.5,
  // beyond π/2 the target logit can exceed no other
  validMargin: { lo: 0, hi: Math.PI / 2, hiText: 'π/2 ≈ 1.571' },
  target(cos, m) {
    const cosM = Math.cos(m);
    const sinM = Math.sin(m);
    if (cos > Math.cos(Math.PI - m)) {
      const c = Math.min(1, Math.max(-1, cos));
      const sine = Math.sqrt(1 - c * c);
      return { phi: cos * cosM - sine * sinM, dphi: cosM + (c * sinM) / Math.max(sine, 1e-6), fallback: false };
    }
    return { phi: cos - Math.sin(Math.PI - m) * m, dphi: 1, fallback: true };
  },
};
