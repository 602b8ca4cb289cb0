import { clustersOf, propagate, type PropagationOptions } from './propagation.js';

interface PropagationCaseInputs {
  num_nodes: number;
  edges: [number, number][];
  scores: number[];
  cdp: { max_sz: number; step: number; max_iter: number };
  naan: { max_sz: number; th: number; step: number; max_iter: number };
}

function run(inputs: PropagationCaseInputs, opts: PropagationOptions) {
  const r = propagate(inputs.num_nodes, Int32Array.from(inputs.edges.flat()), inputs.scores, opts);
  return {
    labels: Array.from(r.labels),
    clusters: clustersOf(r.labels),
    num_clusters: r.numClusters,
    num_valid: r.numValid,
    discard_ratio: r.discardRatio,
    iterations: r.iterations,
    forced_stop_at_max_iter: r.forcedStop,
    final_th: r.finalThreshold,
    trace: r.trace,
  };
}

/** `facet golden propagation`: CDP's call (start at the minimum score) and NAAN's (start at th). */
export function goldenPropagation(inputs: PropagationCaseInputs) {
  return {
    cdp: run(inputs, { maxSize: inputs.cdp.max_sz, step: inputs.cdp.step, maxIter: inputs.cdp.max_iter }),
    naan: run(inputs, { maxSize: inputs.naan.max_sz, step: inputs.naan.step, maxIter: inputs.naan.max_iter, startThreshold: inputs.naan.th }),
  };
}
