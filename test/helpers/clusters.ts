import { Random } from '../../src/data/random.js';
import type { Samples } from '../../src/train/samples.js';

/** Gaussian clusters: `classes` × `per` samples of dimension `dim`, sample i of class i mod classes, centre + noise·N(0, 1). */
export function gaussianClusters(classes: number, per: number, dim: number, seed: number, noise = 0.6): Samples {
  const r = new Random(seed);
  const centres = Float32Array.from({ length: classes * dim }, () => r.normal());
  const n = classes * per;
  const x = new Float32Array(n * dim);
  const labels = Int32Array.from({ length: n }, (_, i) => i % classes);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) x[i * dim + j] = centres[labels[i] * dim + j] + noise * r.normal();
  return { x, n, sampleShape: [dim], labels };
}
