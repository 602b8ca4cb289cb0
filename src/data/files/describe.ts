import { statSync } from 'node:fs';
import { extname } from 'node:path';
import { readNpy } from './npy.js';
import { readNpz } from './npz.js';
import { readFeatures } from './features.js';
import { readLabels } from './labels.js';
import { numberAt, type NdArray } from './ndarray.js';

export interface ArrayStats {
  min: number | null;
  max: number | null;
  mean: number | null;
  nanCount: number;
  infCount: number;
  /** for 2-D float arrays: the smallest and largest row L2 norm */
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
  arrays: Record<string, ArrayDescription>;
  /** labels files: number of labels, distinct values, how many −1 */
  labels?: { count: number; distinct: number; minusOne: number };
}

function floatStats(a: NdArray): ArrayStats {
  let min = Infinity, max = -Infinity, sum = 0, finite = 0, nanCount = 0, infCount = 0;
  for (let i = 0; i < a.data.length; i++) {
    const v = numberAt(a, i);
    if (Number.isNaN(v)) nanCount++;
    else if (!Number.isFinite(v)) infCount++;
    else { if (v < min) min = v; if (v > max) max = v; sum += v; finite++; }
  }
  const stats: ArrayStats = {
    min: finite ? min : null, max: finite ? max : null, mean: finite ? sum / finite : null, nanCount, infCount,
  };
  if (a.shape.length === 2 && a.shape[0] > 0) {
    const [rows, cols] = a.shape;
    let lo = Infinity, hi = -Infinity;
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let c = 0; c < cols; c++) { const v = numberAt(a, r * cols + c); s += v * v; }
      const norm = Math.sqrt(s);
      if (norm < lo) lo = norm;
      if (norm > hi) hi = norm;
    }
    stats.rowNorm = { min: lo, max: hi };
  }
  return stats;
}

function describeArray(a: NdArray): ArrayDescription {
  const d: ArrayDescription = { dtype: a.dtype, shape: a.shape };
  if (a.dtype === 'float32' || a.dtype === 'float64') d.stats = floatStats(a);
  return d;
}

/** What `facet inspect` prints: format, arrays with dtype/shape, float statistics, label summary. */
export function describeFile(path: string, opts: { dim?: number } = {}): FileDescription {
  const bytes = statSync(path).size;
  const ext = extname(path).toLowerCase();
  if (ext === '.npy') return { file: path, bytes, format: 'npy', arrays: { array: describeArray(readNpy(path)) } };
  if (ext === '.npz') {
    const arrays = Object.fromEntries(Object.entries(readNpz(path)).map(([k, a]) => [k, describeArray(a)]));
    return { file: path, bytes, format: 'npz', arrays };
  }
  if (ext === '.bin') {
    const m = readFeatures(path, { dim: opts.dim, allowNonFinite: true });
    return { file: path, bytes, format: 'bin', arrays: { features: describeArray({ dtype: 'float32', shape: [m.rows, m.cols], data: m.data }) } };
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
