import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { kernels, type Kernels } from '../compute/index.js';
import { makeDir, writeFileAtomic, type KnnGraph, type Matrix } from '../data/files/index.js';
import { checkK } from './prepare.js';
import { fingerprint } from './fingerprint.js';

export interface ExactKnnOptions {
  /** rows searched per block; also the unit of resumption */
  blockRows?: number;
  /** folder for finished blocks: a killed run started again with the same folder continues */
  resumeDir?: string;
  onProgress?: (rowsDone: number) => void;
  /** default kernels(): tests pass the TypeScript fallback to check it as well */
  kernels?: Kernels;
}

/**
 * Exact cosine kNN of normalised features against themselves, as faiss IndexFlatIP + learn-to-cluster
 * build it: self at column 0 with distance 1 − x·x (≈ 0), then the k−1 most similar other rows,
 * ties by lower index. Self is placed first even when a duplicate row scores the same, since
 * learn-to-cluster and NAAN drop column 0 as "self".
 */
export function exactKnn(f: Matrix, k: number, o: ExactKnnOptions = {}): KnnGraph {
  const { rows: n, cols: d, data } = f;
  checkK(k, n);
  const block = o.blockRows ?? 16384;
  const indices = new Int32Array(n * k);
  const distances = new Float32Array(n * k);
  const done = o.resumeDir ? openResume(o.resumeDir, { n, d, k, block, features: fingerprint(data) }) : new Set<number>();
  const kern = o.kernels ?? kernels();
  let rowsDone = 0;
  for (let b = 0, r0 = 0; r0 < n; b++, r0 += block) {
    const rows = Math.min(block, n - r0);
    if (done.has(b)) {
      const bytes = readFileSync(join(o.resumeDir!, `block-${b}.bin`));
      indices.set(new Int32Array(bytes.buffer, bytes.byteOffset, rows * k), r0 * k);
      distances.set(new Float32Array(bytes.buffer, bytes.byteOffset + rows * k * 4, rows * k), r0 * k);
    } else {
      const top = kern.topkInnerProduct(data.subarray(r0 * d, (r0 + rows) * d), rows, data, n, d, k - 1, { selfOffset: r0 });
      for (let i = 0; i < rows; i++) {
        const row = (r0 + i) * k;
        let self = 0;
        for (let j = 0; j < d; j++) self += data[(r0 + i) * d + j] * data[(r0 + i) * d + j];
        indices[row] = r0 + i;
        distances[row] = 1 - Math.fround(self);
        for (let j = 1; j < k; j++) {
          indices[row + j] = top.indices[i * (k - 1) + j - 1];
          distances[row + j] = 1 - top.scores[i * (k - 1) + j - 1];
        }
      }
      if (o.resumeDir) {
        writeFileAtomic(join(o.resumeDir, `block-${b}.bin`), [
          new Uint8Array(indices.buffer, r0 * k * 4, rows * k * 4),
          new Uint8Array(distances.buffer, r0 * k * 4, rows * k * 4),
        ]);
      }
    }
    rowsDone += rows;
    o.onProgress?.(rowsDone);
  }
  return { n, k, indices, distances };
}

/** Opens (or creates) a resume folder; a folder made for other sizes is refused rather than mixed in. */
function openResume(dir: string, shape: Record<string, number | string>): Set<number> {
  makeDir(dir);
  const manifest = join(dir, 'manifest.json');
  const want = JSON.stringify(shape);
  if (existsSync(manifest)) {
    const have = readFileSync(manifest, 'utf8');
    if (have !== want) throw new Error(`${dir}: holds blocks of another kNN run (${have}); remove it or choose another output`);
  } else writeFileAtomic(manifest, want);
  const done = new Set<number>();
  for (const f of readdirSync(dir)) {
    const m = /^block-(\d+)\.bin$/.exec(f);
    if (m) done.add(Number(m[1]));
  }
  return done;
}

export function removeResumeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
