import type { MarginDefinition } from './margin.js';

/** CosFace: cos θ − m (a margin subtracted from a cosine in [−1, 1]). */
export const cosFace: MarginDefinition = {
  title: 'CosFace',
  defaultMargin: 0.35,
  validMargin: { lo: 0, hi: 1 },
  target: (cos, m) => ({ phi: cos - m, dphi: 1 }),
};
