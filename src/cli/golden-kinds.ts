import { goldenPropagation } from '../cluster/golden.js';
import { goldenArcFace, goldenBroadFace } from '../heads/golden.js';
import { goldenMetrics, goldenRecall } from '../eval/golden.js';

/**
 * One entry per golden-case kind (see test/fixtures/golden/README.md): takes the case's `inputs` and
 * returns an object with exactly the keys of its `outputs`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type GoldenRunner = (inputs: any) => unknown;

export const goldenKinds: Record<string, GoldenRunner> = {
  arcface: goldenArcFace,
  broadface: goldenBroadFace,
  metrics: goldenMetrics,
  propagation: goldenPropagation,
  recall: goldenRecall,
};
