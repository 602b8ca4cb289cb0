import { checkFinite, type Matrix } from '../data/files/index.js';

/**
 * Checks features for cosine search and returns them L2-normalised (a copy) unless `normalize` is
 * false. NaN/Inf rows and all-zero rows (cosine undefined) are refused with the first bad row.
 */
export function prepareFeatures(m: Matrix, normalize: boolean, name = 'features'): Matrix {
  const { rows, cols, data } = m;
  if (data.length !== rows * cols) throw new Error(`${name}: ${data.length} values do not make ${rows}×${cols}`);
  checkFinite(m, name);
  const out = normalize ? new Float32Array(data.length) : data;
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += data[i * cols + j] * data[i * cols + j];
    if (s === 0) throw new Error(`${name}: row ${i} is all zeros (cosine similarity is undefined)`);
    if (normalize) {
      const inv = 1 / Math.sqrt(s);
      for (let j = 0; j < cols; j++) out[i * cols + j] = data[i * cols + j] * inv;
    }
  }
  return { data: out, rows, cols };
}

/** k columns per row, self at column 0: at least one real neighbour, and fewer columns than rows. `name`: the user's option. */
export function checkK(k: number, n: number, name = 'k'): void {
  if (!Number.isInteger(k) || k < 2) throw new Error(`${name} ${k}: must be an integer ≥ 2 (column 0 is the point itself)`);
  if (k >= n) throw new Error(`${name} ${k}: must be smaller than the number of features (${n}): each row's neighbours include itself`);
}
