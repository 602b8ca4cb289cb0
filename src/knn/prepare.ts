import { checkFinite, type Matrix } from '../data/files/index.js';
import { l2NormalizeRows, rowNorms } from '../eval/normalize.js';

/**
 * Checks features for cosine search and returns them L2-normalised (a copy) unless `normalize` is
 * false. NaN/Inf rows and all-zero rows (cosine undefined) are refused with the first bad row.
 */
export function prepareFeatures(m: Matrix, normalize: boolean, name = 'features'): Matrix {
  const { rows, cols, data } = m;
  if (data.length !== rows * cols) throw new Error(`${name}: ${data.length} values do not make ${rows}×${cols}`);
  checkFinite(m, name);
  const zero = rowNorms(data, rows, cols).indexOf(0);
  if (zero >= 0) throw new Error(`${name}: row ${zero} is all zeros (cosine similarity is undefined)`);
  return { data: normalize ? l2NormalizeRows(data, rows, cols) : data, rows, cols };
}

/** k columns per row, self at column 0: at least one real neighbour, and fewer columns than rows. `name`: the user's option. */
export function checkK(k: number, n: number, name = 'k'): void {
  if (!Number.isInteger(k) || k < 2) throw new Error(`${name} ${k}: must be an integer ≥ 2 (column 0 is the point itself)`);
  if (k >= n) throw new Error(`${name} ${k}: must be smaller than the number of features (${n}): each row's neighbours include itself`);
}
