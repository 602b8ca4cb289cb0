import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { threads } from '../src/compute/index.js';
import { writeFeatures, type Matrix } from '../src/data/files/index.js';
import { synthFaces } from '../src/data/synth/synth-faces.js';
import { Random } from '../src/data/random.js';
import { exactKnn } from '../src/knn/exact.js';
import { hnswKnn, sampleRecall } from '../src/knn/hnsw.js';
import { benchDir, peakRssMB, recordResult, runPython, timeIt } from './harness.js';

const rows = Number(process.env.FACET_BENCH_ROWS ?? 100_000);
const dim = 256;
const k = 80;

/** Synthetic MS1M-like features (mean 68 per identity), written once under .data/ for the peer to read. */
function features(): { f: Matrix; file: string } {
  const dir = join(benchDir, '../.data/bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `synth-${rows}x${dim}.bin`);
  const { features: f } = synthFaces({ ids: Math.round(rows / 68), images: rows, dim, seed: 0 });
  if (!existsSync(file)) writeFeatures(file, f);
  return { f, file };
}

/** Exact kNN, k = 80: facet's blocked search vs faiss IndexFlatIP (Debian python3-faiss), same threads. */
export async function benchKnnExact(): Promise<void> {
  const { f, file } = features();
  const before = peakRssMB();
  const seconds = await timeIt(() => exactKnn(f, k));
  const peer = runPython(`
import numpy as np, faiss, time, json, sys, resource
x = np.fromfile(sys.argv[1], dtype=np.float32).reshape(-1, int(sys.argv[2]))
faiss.omp_set_num_threads(int(sys.argv[4]))
t = time.perf_counter()
index = faiss.IndexFlatIP(x.shape[1]); index.add(x); D, I = index.search(x, int(sys.argv[3]))
s = time.perf_counter() - t
print(json.dumps({'seconds': s, 'peakMB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 'faiss': faiss.__version__}))
`, [file, String(dim), String(k), String(threads())]);
  recordResult({
    name: 'knn-exact', sizes: { rows, dim, k }, threads: threads(), seconds, peakMemoryMB: peakRssMB(),
    peer: { name: `faiss ${peer.faiss} IndexFlatIP`, seconds: peer.seconds as number, peakMemoryMB: peer.peakMB as number },
    extra: { featuresMB: (rows * dim * 4) / 2 ** 20, rssBeforeMB: before },
  });
}

/** HNSW, M = 16, efConstruction = 200, efSearch = 128: hnswlib-node vs faiss IndexHNSWFlat; recall@79 vs exact on 1,000 rows. */
export async function benchKnnHnsw(): Promise<void> {
  const { f, file } = features();
  const m = 16, efC = 200, efS = 128;
  let g!: ReturnType<typeof hnswKnn>;
  const seconds = await timeIt(() => { g = hnswKnn(f, k, { m, efConstruction: efC, efSearch: efS }); });
  const rng = new Random(1);
  const sample = Int32Array.from({ length: 1000 }, () => rng.int(rows));
  const recall = sampleRecall(f, g, sample);
  const peer = runPython(`
import numpy as np, faiss, time, json, sys
x = np.fromfile(sys.argv[1], dtype=np.float32).reshape(-1, int(sys.argv[2])); k = int(sys.argv[3])
faiss.omp_set_num_threads(int(sys.argv[4]))
t = time.perf_counter()
index = faiss.IndexHNSWFlat(x.shape[1], 16, faiss.METRIC_INNER_PRODUCT); index.hnsw.efConstruction = 200; index.add(x)
index.hnsw.efSearch = 128; D, I = index.search(x, k)
s = time.perf_counter() - t
rows = np.random.default_rng(1).integers(0, len(x), 1000)
flat = faiss.IndexFlatIP(x.shape[1]); flat.add(x); _, E = flat.search(x[rows], k)
found = sum(len(set(E[t][E[t] != r][:k-1]) & set(I[r][I[r] != r][:k-1])) for t, r in enumerate(rows))
print(json.dumps({'seconds': s, 'recall': found / (len(rows) * (k - 1)), 'faiss': faiss.__version__}))
`, [file, String(dim), String(k), String(threads())]);
  recordResult({
    name: 'knn-hnsw', sizes: { rows, dim, k, m, efConstruction: efC, efSearch: efS }, threads: threads(), seconds, peakMemoryMB: peakRssMB(),
    peer: { name: `faiss ${peer.faiss} IndexHNSWFlat`, seconds: peer.seconds as number },
    extra: { recall, peerRecall: peer.recall, note: 'hnswlib-node builds single-threaded from JS (addPoint per row)' },
  });
}
