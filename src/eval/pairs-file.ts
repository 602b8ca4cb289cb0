import { readFileSync } from 'node:fs';
import type { VerificationPairs } from './verification.js';

/**
 * Reads a pairs file: one `idx1 idx2 same` per line (same = 1 or 0); blank and `#` lines skipped.
 * With `rows`, an index past the embeddings (`of`: their file) is an error naming the file's line.
 */
export function readPairs(path: string, embeddings?: { rows: number; of: string }): VerificationPairs {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${path}: cannot read the pairs file (${(err as Error).message})`);
  }
  const idx1: number[] = [];
  const idx2: number[] = [];
  const same: number[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const f = line.split(/[\s,]+/);
    const v = f.map(Number);
    if (f.length !== 3 || !v.every(Number.isInteger) || v[0] < 0 || v[1] < 0 || (v[2] !== 0 && v[2] !== 1)) {
      throw new Error(`${path}:${i + 1}: expected "idx1 idx2 same" (row indices, same = 0 or 1), got "${line}"`);
    }
    if (embeddings && Math.max(v[0], v[1]) >= embeddings.rows) {
      throw new Error(`${path}:${i + 1}: row ${Math.max(v[0], v[1])} is past the ${embeddings.rows} rows of ${embeddings.of} (rows count from 0)`);
    }
    idx1.push(v[0]);
    idx2.push(v[1]);
    same.push(v[2]);
  });
  if (same.length === 0) throw new Error(`${path}: no pairs`);
  return { idx1: Int32Array.from(idx1), idx2: Int32Array.from(idx2), same: Uint8Array.from(same) };
}
