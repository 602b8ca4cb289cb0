import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { fsError } from './fs-errors.js';
import { readNpy } from './npy.js';
import { numberAt } from './ndarray.js';

/** The label of an unlabelled row (README: label files); such rows are no class, in training or evaluation. */
export const UNLABELLED = -1;

export interface ReadLabelsOptions {
  /** the number of rows the labels belong to; a different count is an error */
  expectedCount?: number;
  /** what those rows are, for the error: "rows in emb.npy", "kNN rows in faiss_k_80.npz" */
  countOf?: string;
}

function parseText(path: string): Int32Array {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw fsError('open', path, err);
  }
  const lines = text.split('\n');
  // trailing blank lines (and whitespace) end the file; a blank line in the middle is an error below
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  const out = new Int32Array(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const s = lines[i].trim();
    if (s === '') throw new Error(`${path}: line ${i + 1} is blank (one integer label per line; −1 for an unlabelled row)`);
    if (!/^-?\d+$/.test(s)) throw new Error(`${path}: line ${i + 1} is not an integer label: "${s.slice(0, 40)}"`);
    const v = Number(s);
    if (v < -1 || v > 0x7fffffff) throw new Error(`${path}: line ${i + 1}: label ${s} out of range (−1 … 2^31−1)`);
    out[i] = v;
  }
  return out;
}

function fromNpy(path: string): Int32Array {
  const a = readNpy(path);
  if (a.shape.length !== 1) throw new Error(`${path}: labels must be a 1-D array, got shape (${a.shape.join(', ')})`);
  if (a.dtype === 'float32' || a.dtype === 'float64' || a.dtype === 'bool') {
    throw new Error(`${path}: labels must be integers, got ${a.dtype}`);
  }
  const out = new Int32Array(a.data.length);
  for (let i = 0; i < out.length; i++) {
    const v = numberAt(a, i);
    if (v < -1 || v > 0x7fffffff) throw new Error(`${path}: label ${v} at index ${i} out of range (−1 … 2^31−1)`);
    out[i] = v;
  }
  return out;
}

/** Reads labels: `.meta`/`.txt` with one integer per line (−1 = unlabelled/discarded), or an integer `.npy`. */
export function readLabels(path: string, opts: ReadLabelsOptions = {}): Int32Array {
  const labels = extname(path).toLowerCase() === '.npy' ? fromNpy(path) : parseText(path);
  if (labels.length === 0) throw new Error(`${path}: no labels`);
  if (opts.expectedCount !== undefined && labels.length !== opts.expectedCount) {
    throw new Error(`${path}: ${labels.length} labels for ${opts.expectedCount} ${opts.countOf ?? 'rows'}`);
  }
  return labels;
}

/** Writes one label per line (learn-to-cluster `.meta` / NAAN labels txt), atomically. */
export function writeLabels(path: string, labels: ArrayLike<number>): void {
  const parts: string[] = [];
  for (let i = 0; i < labels.length; i++) parts.push(String(labels[i]));
  writeFileAtomic(path, parts.join('\n') + (parts.length ? '\n' : ''));
}
