import type { Dataset } from '../data/datasets/index.js';
import type { SampleSource } from './samples.js';

/** A dataset split as a trainer source: labels 0 … classes − 1, batches decoded on demand by sharp's threads. */
export function datasetSource(ds: Dataset): SampleSource {
  return {
    n: ds.items.length,
    sampleShape: ds.imageShape,
    labels: Int32Array.from(ds.items, (it) => it.label),
    rows: async (idx, o) => {
      const b = await ds.load(idx, o);
      return { x: b.x, labels: b.labels };
    },
  };
}
