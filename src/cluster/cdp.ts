import type { GraphClusterer } from './clusterer.js';
import { edgesAtLeast } from './knn-edges.js';
import { CDP_PROPAGATION, propagate } from './propagation.js';

/** CDP's single-model "vote": the pairs above the threshold, scored by similarity, propagated from the smallest score. */
export const cdpClusterer: GraphClusterer = {
  name: 'cdp',
  summary: 'CDP propagation of the edges above the threshold',
  input: 'graph',
  defaultThreshold: 0.66,
  run: (numNodes, edges, threshold, o) => {
    const e = edgesAtLeast(edges, threshold);
    const p = CDP_PROPAGATION;
    return propagate(numNodes, e.edges, e.scores, { maxSize: o.maxSize ?? p.maxSize, step: o.step ?? p.step, maxIter: o.maxIter ?? p.maxIter }).labels;
  },
};
