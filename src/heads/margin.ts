/** Which angular margin the head applies to the target logit. */
export type MarginKind = 'arcface' | 'cosface';

export interface MarginOptions {
  kind: MarginKind;
  /** logit scale s (64 in the BroadFace reference) */
  scale: number;
  /** m: additive angle (ArcFace, 0.5) or additive cosine (CosFace, 0.35) */
  margin: number;
}

/**
 * The target logit before scaling and its derivative with respect to the target cosine.
 * ArcFace follows the reference's non-easy-margin form: cos(θ+m) = cos·cos m − sin·sin m while
 * cos > cos(π−m), otherwise cos − m·sin(π−m).
 * Deviation from the reference: sin = sqrt(1 − cos²) is taken of cos clamped to [−1, 1], and the
 * derivative's 1/sin is capped at 1e6, so a row parallel to its class weight gives a finite loss and
 * gradient where the original gives NaN (broadface.md pitfall 4).
 */
export function targetLogit(cos: number, o: MarginOptions): { phi: number; dphi: number; fallback: boolean } {
  if (o.kind === 'cosface') return { phi: cos - o.margin, dphi: 1, fallback: false };
  const cosM = Math.cos(o.margin);
  const sinM = Math.sin(o.margin);
  if (cos > Math.cos(Math.PI - o.margin)) {
    const c = Math.min(1, Math.max(-1, cos));
    const sine = Math.sqrt(1 - c * c);
    return { phi: cos * cosM - sine * sinM, dphi: cosM + (c * sinM) / Math.max(sine, 1e-6), fallback: false };
  }
  return { phi: cos - Math.sin(Math.PI - o.margin) * o.margin, dphi: 1, fallback: true };
}
