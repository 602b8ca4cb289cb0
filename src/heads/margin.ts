/**
 * A margin head is defined by the one thing that differs between ArcFace, CosFace and their kin: how
 * the target class's cosine becomes its logit (pytorch-metric-learning's overridden hook,
 * arcface_torch's (m1, m2, m3) tuple). The softmax cross-entropy, its gradients and the BroadFace
 * queue are shared (margin-loss.ts, broadface.ts). Margins are registered by name in margins.ts.
 */
export interface MarginDefinition {
  /** its name in messages ("ArcFace") */
  title: string;
  /** m when --margin is not given */
  defaultMargin: number;
  /** margins meaningful for it: lo ≤ m < hi, and how to write hi in a message */
  validMargin: { lo: number; hi: number; hiText?: string };
  /** sub-centres per class (W then has C×K rows, row c·K + k); 1 when absent */
  subCenters?: number;
  /** the target logit before scaling, its derivative by the cosine, and whether a fallback branch was taken */
  target(cos: number, margin: number): { phi: number; dphi: number; fallback?: boolean };
}

/** A margin head's name in the registry (arcface, cosface, subcenter-arcface, or one registered later). */
export type MarginKind = string;

export interface MarginOptions {
  kind: MarginKind;
  /** logit scale s (64 in the BroadFace reference) */
  scale: number;
  /** m: e.g. additive angle (ArcFace, 0.5) or additive cosine (CosFace, 0.35) */
  margin: number;
}
