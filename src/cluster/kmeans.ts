import type { Matrix } from '../data/files/index.js';
import { kernels } from '../compute/index.js';
import { Random } from '../data/random.js';
import type { FeatureClusterer } from './clusterer.js';

export interface KMeansOptions {
  /** number of clusters */
  k: number;
  /** Lloyd rounds at most (stops earlier when no assignment changes) */
  iterations: number;
  seed: number;
  /** called after each Lloyd round with the rounds done */
  onIteration?: (done: number) => void;
}

const BLOCK = 4096;

/**
 * K-means with k-means++ initialisation (D² sampling, seeded) and Lloyd rounds; the nearest centre
 * of each block of rows comes from one sgemm (argmax of x·c − ‖c‖²/2). An emptied cluster keeps its
 * previous centre. Returns each row's cluster.
 */
export function kMeans(x: Matrix, opts: KMeansOptions): Int32Array {
  const { rows: n, cols: d } = x;
  if (!Number.isInteger(opts.k) || opts.k < 1 || opts.k > n) throw new Error(`k-means: k must be an integer in 1…${n} (the number of rows), got ${opts.k}`);
  const centres = kMeansPlusPlus(x, opts.k, new Random(opts.seed));
  const assign = new Int32Array(n).fill(-1);
  for (let it = 0; it < opts.iterations; it++, opts.onIteration?.(it)) {
    if (assignNearest(x, centres, opts.k, assign) === 0) break;
    const sums = new Float64Array(opts.k * d);
    const counts = new Int32Array(opts.k);
    for (let i = 0; i < n; i++) {
      const c = assign[i];
      counts[c]++;
      for (let j = 0; j < d; j++) sums[c * d + j] += x.data[i * d + j];
    }
    for (let c = 0; c < opts.k; c++) {
      if (counts[c] === 0) continue;
      for (let j = 0; j < d; j++) centres[c * d + j] = sums[c * d + j] / counts[c];
    }
  }
  return assign;
}

/** Moves every row to its nearest centre; returns how many rows changed cluster. */
function assignNearest(x: Matrix, centres: Float32Array, k: number, assign: Int32Array): number {
  const { rows: n, cols: d } = x;
  const halfNorm = new Float32Array(k);
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += centres[c * d + j] ** 2;
    halfNorm[c] = s / 2;
  }
  const dots = new Float32Array(BLOCK * k);
  let changed = 0;
  for (let r0 = 0; r0 < n; r0 += BLOCK) {
    const m = Math.min(BLOCK, n - r0);
    kernels().sgemm(false, true, m, k, d, 1, x.data.subarray(r0 * d, (r0 + m) * d), centres, 0, dots);
    for (let i = 0; i < m; i++) {
      let best = 0, bestV = -Infinity;
      for (let c = 0; c < k; c++) {
        const v = dots[i * k + c] - halfNorm[c];
        if (v > bestV) { bestV = v; best = c; }
      }
      if (assign[r0 + i] !== best) { assign[r0 + i] = best; changed++; }
    }
  }
  return changed;
}

/** k-means++: the first centre uniform, each next one a row drawn with probability ∝ D². */
function kMeansPlusPlus(x: Matrix, k: number, rng: Random): Float32Array {
  const { rows: n, cols: d } = x;
  const centres = new Float32Array(k * d);
  const dist2 = new Float64Array(n).fill(Infinity);
  let pick = rng.int(n);
  for (let c = 0; c < k; c++) {
    centres.set(x.data.subarray(pick * d, (pick + 1) * d), c * d);
    let total = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (x.data[i * d + j] - centres[c * d + j]) ** 2;
      if (s < dist2[i]) dist2[i] = s;
      total += dist2[i];
    }
    let u = rng.next() * total;
    pick = n - 1;
    for (let i = 0; i < n; i++) {
      u -= dist2[i];
      if (u < 0) { pick = i; break; }
    }
  }
  return centres;
}

export const kMeansClusterer: FeatureClusterer = {
  name: 'kmeans',
  summary: 'k-means on the features (--clusters)',
  input: 'features',
  roundsBar: 'k-means',
  run: (features, o) => {
    if (o.clusters === undefined) throw new Error('baseline kmeans: --clusters is required');
    if (o.clusters > features.rows) throw new Error(`--clusters ${o.clusters}: larger than the ${features.rows} feature rows`);
    return kMeans(features, { k: o.clusters, iterations: o.iterations ?? 20, seed: o.seed ?? 0, onIteration: o.onIteration });
  },
};
