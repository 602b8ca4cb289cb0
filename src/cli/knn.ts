import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { checkOutputIsNoInput, readFeatures, writeKnnLearnToCluster, writeKnnNaan } from '../data/files/index.js';
import { Random } from '../data/random.js';
import { exactKnn, removeResumeDir } from '../knn/exact.js';
import { hnswKnn, sampleRecall } from '../knn/hnsw.js';
import { checkK, prepareFeatures } from '../knn/prepare.js';
import { progress } from '../report/progress.js';
import { positiveInt } from './parse.js';

interface KnnCliOptions {
  features: string; dim?: number; key?: string; k: number; method: string; out: string; naanOut?: string; blockRows: number;
  normalize: boolean; m: number; efConstruction: number; efSearch: number; recallSample: number; seed: number;
}

export function registerKnn(program: Command): void {
  program
    .command('knn')
    .description('build a cosine kNN graph (self at column 0) in learn-to-cluster format, optionally NAAN format')
    .requiredOption('--features <file>', 'features: .npy, .npz or .bin (with --dim)')
    .option('--dim <d>', 'row length of a .bin file', positiveInt('--dim'))
    .option('--key <name>', 'array of an .npz holding several (default: embs, features, feats, data, or the only one)')
    .option('--k <k>', 'neighbours per row, self included', positiveInt('--k'), 80)
    .option('--method <m>', 'exact (blocked BLAS search) or hnsw (hnswlib)', 'exact')
    .requiredOption('--out <file>', 'learn-to-cluster faiss_k_K.npz to write')
    .option('--naan-out <file>', "also write NAAN's (N, K) index .npy")
    .option('--block-rows <n>', 'exact: rows searched per block (the unit of progress and of resumption)', positiveInt('--block-rows'), 16384)
    .option('--no-normalize', 'features are already unit-norm: use them as they are')
    .option('--m <m>', 'hnsw: graph degree M', positiveInt('--m'), 16)
    .option('--ef-construction <n>', 'hnsw: efConstruction', positiveInt('--ef-construction'), 200)
    .option('--ef-search <n>', 'hnsw: efSearch', positiveInt('--ef-search'), 128)
    .option('--recall-sample <n>', 'hnsw: rows checked against exact search', positiveInt('--recall-sample'), 1000)
    .option('--seed <s>', 'seed for the hnsw graph and the recall sample', (v) => Number(v), 0)
    .action((o: KnnCliOptions) => {
      if (o.method !== 'exact' && o.method !== 'hnsw') throw new Error(`--method must be exact or hnsw, got "${o.method}"`);
      for (const out of [{ flag: '--out', path: o.out }, ...(o.naanOut ? [{ flag: '--naan-out', path: o.naanOut }] : [])]) {
        if (existsSync(out.path) && statSync(out.path).isDirectory()) throw new Error(`${out.flag} ${out.path} is a folder; give the file to write`);
        checkOutputIsNoInput(out, [{ flag: '--features', path: o.features }]);
      }
      if (o.naanOut) checkOutputIsNoInput({ flag: '--naan-out', path: o.naanOut }, [{ flag: '--out', path: o.out }]);
      const f = prepareFeatures(readFeatures(o.features, { dim: o.dim, key: o.key }), o.normalize, o.features);
      checkK(o.k, f.rows, '--k');
      const t0 = Date.now();
      let summary: Record<string, unknown>;
      if (o.method === 'exact') {
        const bar = progress('kNN', f.rows, 'rows');
        const resumeDir = `${o.out}.partial`;
        const g = exactKnn(f, o.k, { resumeDir, blockRows: o.blockRows, onProgress: (n) => bar.update(n) });
        bar.stop();
        // the finished blocks are resumable state of this search only: gone once it is done, written or not
        try {
          writeKnnLearnToCluster(o.out, g);
          if (o.naanOut) writeKnnNaan(o.naanOut, g);
        } finally {
          removeResumeDir(resumeDir);
        }
        summary = { method: 'exact', rows: f.rows, dim: f.cols, k: o.k };
      } else {
        const bar = progress('HNSW build+search', 2 * f.rows, 'rows');
        const g = hnswKnn(f, o.k, {
          m: o.m, efConstruction: o.efConstruction, efSearch: o.efSearch, seed: o.seed,
          onProgress: (stage, n) => bar.update((stage === 'build' ? 0 : f.rows) + n),
        });
        bar.stop();
        writeKnnLearnToCluster(o.out, g);
        if (o.naanOut) writeKnnNaan(o.naanOut, g);
        const rng = new Random(o.seed);
        const sample = Int32Array.from({ length: Math.min(o.recallSample, f.rows) }, () => rng.int(f.rows));
        summary = { method: 'hnsw', rows: f.rows, dim: f.cols, k: o.k, m: o.m, efConstruction: o.efConstruction, efSearch: o.efSearch, [`recall@${o.k - 1}`]: sampleRecall(f, g, sample), recallSampleRows: sample.length };
      }
      process.stdout.write(JSON.stringify({ ...summary, seconds: (Date.now() - t0) / 1000, out: o.out, naanOut: o.naanOut }) + '\n');
    });
}
