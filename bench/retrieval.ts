import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { threads } from '../src/compute/index.js';
import { synthFaces } from '../src/data/synth/synth-faces.js';
import { evaluateRetrieval, type RetrievalMetrics } from '../src/eval/retrieval.js';
import { benchDir, peakRssMB, recordResult, runPython, timeIt } from './harness.js';

const rows = Number(process.env.FACET_BENCH_ROWS ?? 60_502);
const dim = 128;
const ks = [1, 10, 100, 1000];

/**
 * SOP-sized leave-one-out Recall@1/10/100/1000 (+ MAP@R, R-precision, P@1): facet's blocked top-k vs
 * faiss IndexFlatIP search + numpy recall (Debian python3-faiss), same embeddings, same run, same threads.
 * Embeddings: synthetic, SOP's 11,316 test classes over 60,502 rows.
 */
export async function benchRetrieval(): Promise<void> {
  const classes = Math.round((rows * 11_316) / 60_502);
  const { features: f, labels } = synthFaces({ ids: classes, images: rows, dim, seed: 0, spread: [0.8, 1.4] });
  const dir = join(benchDir, '../.data/bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `retrieval-${rows}x${dim}.bin`);
  writeFileSync(file, new Uint8Array(f.data.buffer, f.data.byteOffset, f.data.byteLength));
  writeFileSync(`${file}.labels`, new Uint8Array(labels.buffer, labels.byteOffset, labels.byteLength));
  let m!: RetrievalMetrics;
  const seconds = await timeIt(() => { m = evaluateRetrieval({ query: f, queryLabels: labels }, { ks }); });
  const peer = runPython(`
import numpy as np, faiss, time, json, sys, resource
x = np.fromfile(sys.argv[1], dtype=np.float32).reshape(-1, int(sys.argv[2]))
y = np.fromfile(sys.argv[1] + '.labels', dtype=np.int32)
ks = [int(k) for k in sys.argv[3].split(',')]
faiss.omp_set_num_threads(int(sys.argv[4]))
t = time.perf_counter()
x = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
index = faiss.IndexFlatIP(x.shape[1]); index.add(x)
D, I = index.search(x, max(ks) + 1)
# drop self: it is first unless a duplicate ties it; remove it wherever it is
n = len(y); self_mask = I == np.arange(n)[:, None]
keep = ~self_mask; keep[~self_mask.any(1), -1] = False
I = I[keep].reshape(n, max(ks))
correct = y[I] == y[:, None]
hits = [int(correct[:, :k].any(1).sum()) for k in ks]
s = time.perf_counter() - t
print(json.dumps({'seconds': s, 'hits': hits, 'peakMB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 'faiss': faiss.__version__, 'numpy': np.__version__}))
`, [file, String(dim), ks.join(','), String(threads())]);
  recordResult({
    name: 'retrieval', sizes: { rows, dim, classes, ks: ks.join(',') }, threads: threads(), seconds, peakMemoryMB: peakRssMB(),
    peer: { name: `faiss ${peer.faiss} IndexFlatIP + numpy ${peer.numpy}`, seconds: peer.seconds as number, peakMemoryMB: peer.peakMB as number },
    extra: { hits: m.hits, peerHits: peer.hits, recall: m.recall, mapAtR: m.mapAtR, featuresMB: (rows * dim * 4) / 2 ** 20 },
  });
}
