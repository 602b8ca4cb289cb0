import { firstZeroRow } from '../data/files/index.js';

/** Input checks shared by the metrics: each throws one error naming the argument and what is wrong. */

export function checkLabels(name: string, labels: ArrayLike<number>): void {
  if (labels.length === 0) throw new Error(`${name} is empty: nothing to evaluate`);
  if (labels instanceof Int32Array) return;
  for (let i = 0; i < labels.length; i++) {
    if (!Number.isInteger(labels[i])) throw new Error(`${name}[${i}] = ${labels[i]} is not an integer label`);
  }
}

export function checkSameLength(nameA: string, a: ArrayLike<unknown>, nameB: string, b: ArrayLike<unknown>): void {
  if (a.length !== b.length) {
    throw new Error(`${nameA} has ${a.length} entries but ${nameB} has ${b.length}: they must describe the same items`);
  }
}

/** rows×dim finite float embeddings. */
export function checkEmbeddings(name: string, data: ArrayLike<number>, rows: number, dim: number): void {
  if (!Number.isInteger(dim) || dim <= 0) throw new Error(`${name}: dimension must be a positive integer, got ${dim}`);
  if (rows === 0 || data.length === 0) throw new Error(`${name} is empty: nothing to evaluate`);
  if (data.length !== rows * dim) {
    throw new Error(`${name} has ${data.length} values, not ${rows} rows × ${dim} dims`);
  }
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new Error(`${name}: row ${Math.floor(i / dim)} column ${i % dim} is ${data[i]} (embeddings must be finite)`);
    }
  }
  const zero = firstZeroRow({ data, rows, cols: dim });
  if (zero >= 0) throw new Error(`${name}: row ${zero} is all zeros (cosine similarity is undefined)`);
}
