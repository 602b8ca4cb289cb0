import { statSync } from 'node:fs';
import { extname } from 'node:path';
import { fsError } from './fs-errors.js';
import { readNpy } from './npy.js';
import { readNpz } from './npz.js';
import { readFeatures } from './features.js';
import { readLabels } from './labels.js';
import type { NdArray } from './ndarray.js';

export interface ArrayStats {
  min: number | null;
  max: number | null;
  mean: number | null;
  nanCount: number;
  infCount: number;
  /** for 2-D float arrays: the smallest and largest L2 norm of the finite rows */
  rowNorm?: { min: number; max: number };
}

export interface ArrayDescription {
  dtype: string;
  shape: number[];
  stats?: ArrayStats;
}

export interface FileDescription {
  file: string;
  bytes: number;
  format: 'npy' | 'npz' | 'bin' | 'labels';
  /** what the arrays look like they hold, when a known layout matches */
  content?: string;
  arrays: Record<string, ArrayDescription>;
  /** labels files: number of labels, distinct values, how many −1 */
  labels?: { count: number; distinct: number; minusOne: number };
}

/** One pass over the values: min/max/mean of the finite ones, NaN/Inf counts, and row norms when 2-D. */
function floatStats(data: Float32Array | Float64Array, shape: number[]): ArrayStats {
  let min = Infinity, max = -Infinity, sum = 0, finite = 0, nanCount = 0, infCount = 0;
  const cols = shape.length === 2 ? shape[1] : data.length;
  let normLo = Infinity, normHi = -Infinity;
  for (let start = 0; start < data.length; start += Math.max(cols, 1)) {
    let squares = 0;
    for (let i = start; i < start + cols; i++) {
      const v = data[i];
      squares += v * v;
      if (v - v !== 0) { // NaN or ±Inf
        if (Number.isNaN(v)) nanCount++;
        else infCount++;
        continue;
      }
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
      finite++;
    }
    const norm = Math.sqrt(squares);
    if (Number.isFinite(norm)) { // rows with NaN/Inf are counted above, not in the norm range
      if (norm < normLo) normLo = norm;
      if (norm > normHi) normHi = norm;
    }
  }
  const stats: ArrayStats = {
    min: finite ? min : null, max: finite ? max : null, mean: finite ? sum / finite : null, nanCount, infCount,
  };
  if (shape.length === 2 && normLo <= normHi) stats.rowNorm = { min: normLo, max: normHi };
  return stats;
}

function describeArray(a: NdArray): ArrayDescription {
  const d: ArrayDescription = { dtype: a.dtype, shape: a.shape };
  if (a.data instanceof Float32Array || a.data instanceof Float64Array) d.stats = floatStats(a.data, a.shape);
  return d;
}

/** Names the known layouts: learn-to-cluster kNN npz, NAAN feats npz / knn npy, a feature matrix. */
function recognise(path: string, arrays: Record<string, ArrayDescription>): string | undefined {
  const { data, embs, labels, array } = arrays;
  const isFloat = (a: ArrayDescription) => a.dtype.startsWith('float');
  if (data && data.shape.length === 3 && data.shape[1] === 2 && isFloat(data)) {
    return `learn-to-cluster kNN graph: N=${data.shape[0]}, K=${data.shape[2]} (row 0 neighbour indices, row 1 distances 1 − cosine)`;
  }
  if (embs && labels) return `NAAN features: ${embs.shape.join(' × ')} embeddings with ${labels.shape[0]} labels`;
  if (array && array.shape.length === 2 && !isFloat(array) && /_knn\.npy$/i.test(path)) {
    return `NAAN kNN indices: N=${array.shape[0]}, K=${array.shape[1]}`;
  }
  const only = Object.values(arrays);
  if (only.length === 1 && only[0].shape.length === 2 && isFloat(only[0])) return `feature matrix: ${only[0].shape.join(' × ')}`;
  return undefined;
}

/** What `facet inspect` prints: format, arrays with dtype/shape, float statistics, label summary. */
export function describeFile(path: string, opts: { dim?: number } = {}): FileDescription {
  let bytes: number;
  try {
    bytes = statSync(path).size;
  } catch (err) {
    throw fsError('open', path, err);
  }
  const ext = extname(path).toLowerCase();
  const described = (format: 'npy' | 'npz' | 'bin', arrays: Record<string, ArrayDescription>): FileDescription =>
    ({ file: path, bytes, format, content: recognise(path, arrays), arrays });
  if (ext === '.npy') return described('npy', { array: describeArray(readNpy(path)) });
  if (ext === '.npz') return described('npz', Object.fromEntries(Object.entries(readNpz(path)).map(([k, a]) => [k, describeArray(a)])));
  if (ext === '.bin') {
    const m = readFeatures(path, { dim: opts.dim, allowNonFinite: true });
    return described('bin', { features: describeArray({ dtype: 'float32', shape: [m.rows, m.cols], data: m.data }) });
  }
  if (ext === '.meta' || ext === '.txt' || ext === '.labels') {
    const labels = readLabels(path);
    let minusOne = 0;
    for (const v of labels) if (v === -1) minusOne++;
    return {
      file: path, bytes, format: 'labels',
      arrays: { labels: { dtype: 'int32', shape: [labels.length] } },
      labels: { count: labels.length, distinct: new Set(labels).size, minusOne },
    };
  }
  throw new Error(`${path}: unknown file type "${ext}" (facet reads .npy, .npz, .bin, .meta, .txt)`);
}
