import { kernels } from '../../compute/index.js';
import { Random } from '../random.js';
import type { Matrix } from '../files/index.js';

export interface SynthFacesOptions {
  ids: number;
  images: number;
  dim: number;
  seed?: number;
  /** per-identity spread σ is drawn uniformly from this range: larger = harder identity */
  spread?: [number, number];
  /**
   * Shared nuisance directions (pose, lighting, capture device): `directions` random unit vectors;
   * every image adds `scale` × one of them, chosen at random. Images of different identities sharing
   * a direction look alike to cosine, images of one identity under different ones less so — cosine
   * alone is ambiguous, a learned projection is not. The directions come from their own `seed`
   * (default 0), so splits generated with different identity seeds share them, as features of
   * part0 and part1 from one face model do. Off by default (the default stream is unchanged).
   */
  nuisance?: { directions: number; scale: number; seed?: number };
}

export interface SynthFaces {
  features: Matrix;
  labels: Int32Array;
  sizes: Int32Array;
}

/**
 * Identity sizes with a long tail (log-normal, σ = 0.9) scaled to exactly `images`, at least one
 * image each, as MS1M's identities are: most near the mean, a few several times larger.
 */
export function identitySizes(ids: number, images: number, rng: Random): Int32Array {
  if (!(ids >= 1) || !(images >= ids)) throw new Error(`synth-faces: need at least one image per identity (ids ${ids}, images ${images})`);
  const raw = Float64Array.from({ length: ids }, () => Math.exp(0.9 * rng.normal()));
  const total = raw.reduce((a, b) => a + b, 0);
  const sizes = Int32Array.from(raw, (r) => Math.max(1, Math.round((r * images) / total)));
  let diff = images - sizes.reduce((a, b) => a + b, 0);
  while (diff !== 0) {
    const i = rng.int(ids);
    if (diff > 0) { sizes[i]++; diff--; } else if (sizes[i] > 1) { sizes[i]--; diff++; }
  }
  return sizes;
}

/**
 * Unit-norm features around random identity centres: x = normalise(c + σ·g/√D) with g standard
 * normal, rows grouped by identity as learn-to-cluster's lists are. A stand-in for MS1M part1_test's
 * scale and kNN difficulty, never for its real file formats.
 */
export function synthFaces(o: SynthFacesOptions): SynthFaces {
  const { ids, images, dim } = o;
  if (!(dim >= 2)) throw new Error(`synth-faces: dimension must be ≥ 2, got ${dim}`);
  const rng = new Random(o.seed ?? 0);
  const [lo, hi] = o.spread ?? [1.5, 2.5];
  const sizes = identitySizes(ids, images, rng);
  const nuisance = o.nuisance ? unitVectors(o.nuisance.directions, dim, new Random(o.nuisance.seed ?? 0)) : undefined;
  const data = new Float32Array(images * dim);
  const labels = new Int32Array(images);
  const centre = new Float64Array(dim);
  const noiseScale = 1 / Math.sqrt(dim);
  let row = 0;
  for (let id = 0; id < ids; id++) {
    let s = 0;
    for (let j = 0; j < dim; j++) { centre[j] = rng.normal(); s += centre[j] * centre[j]; }
    const inv = 1 / Math.sqrt(s);
    const sigma = lo + (hi - lo) * rng.next();
    for (let t = 0; t < sizes[id]; t++, row++) {
      let n = 0;
      const off = row * dim;
      const nu = nuisance && o.nuisance!.scale > 0 ? rng.int(o.nuisance!.directions) * dim : -1;
      for (let j = 0; j < dim; j++) {
        const v = centre[j] * inv + sigma * noiseScale * rng.normal() + (nu >= 0 ? o.nuisance!.scale * nuisance![nu + j] : 0);
        data[off + j] = v;
        n += v * v;
      }
      const invN = 1 / Math.sqrt(n);
      for (let j = 0; j < dim; j++) data[off + j] *= invN;
      labels[row] = id;
    }
  }
  return { features: { data, rows: images, cols: dim }, labels, sizes };
}

/** `count` random unit vectors of length dim, row after row. */
function unitVectors(count: number, dim: number, rng: Random): Float64Array {
  if (!(Number.isInteger(count) && count >= 1)) throw new Error(`synth-faces: nuisance directions must be a positive integer, got ${count}`);
  const v = new Float64Array(count * dim);
  for (let c = 0; c < count; c++) {
    let s = 0;
    for (let j = 0; j < dim; j++) { const x = rng.normal(); v[c * dim + j] = x; s += x * x; }
    const inv = 1 / Math.sqrt(s);
    for (let j = 0; j < dim; j++) v[c * dim + j] *= inv;
  }
  return v;
}

/** Fraction of the top-k neighbours (self excluded) that share the query's label, for each k, over sampled rows. */
export function knnPrecision(f: Matrix, labels: Int32Array, ks: number[], sample: number, seed = 0): Record<string, number> {
  const rng = new Random(seed);
  const n = Math.min(sample, f.rows);
  const rows = Int32Array.from({ length: n }, () => rng.int(f.rows));
  const K = Math.min(Math.max(...ks) + 1, f.rows);
  const q = new Float32Array(n * f.cols);
  rows.forEach((r, t) => q.set(f.data.subarray(r * f.cols, (r + 1) * f.cols), t * f.cols));
  const top = kernels().topkInnerProduct(q, n, f.data, f.rows, f.cols, K);
  const out: Record<string, number> = {};
  for (const k of ks) {
    let same = 0, total = 0;
    for (let t = 0; t < n; t++) {
      let taken = 0;
      for (let j = 0; j < K && taken < k; j++) {
        const nb = top.indices[t * K + j];
        if (nb === rows[t] || nb < 0) continue;
        taken++;
        if (labels[nb] === labels[rows[t]]) same++;
      }
      total += taken;
    }
    out[`precision@${k}`] = total ? same / total : NaN;
  }
  return out;
}
