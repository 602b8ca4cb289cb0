import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Random } from '../src/data/random.js';
import { clusteringMetrics, type ClusteringMetrics } from '../src/eval/clustering-metrics.js';
import { benchDir, peakRssMB, recordResult, runPython, timeIt } from './harness.js';

const n = Number(process.env.FACET_BENCH_ROWS ?? 5_210_000);

/**
 * Pairwise/BCubed/NMI on MS1M-scale labels (5.21 M, the learn-to-cluster benchmark size): facet's
 * linear contingency vs the same metrics vectorised in numpy (np.unique contingency — scikit-learn is
 * not installed in Debian's python here, and learn-to-cluster's own bcubed loops in Python per class).
 * gt: ~68 images per identity; pred: gt with 5% of items moved, 3% singletons.
 */
export async function benchClusteringMetrics(): Promise<void> {
  const rng = new Random(0);
  const ids = Math.round(n / 68);
  const gt = new Int32Array(n);
  const pred = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    gt[i] = Math.floor((i * ids) / n);
    const u = rng.next();
    pred[i] = u < 0.05 ? rng.int(ids) : u < 0.08 ? ids + i : gt[i];
  }
  const dir = join(benchDir, '../.data/bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `cluster-labels-${n}`);
  writeFileSync(`${file}.gt`, new Uint8Array(gt.buffer));
  writeFileSync(`${file}.pred`, new Uint8Array(pred.buffer));
  let m!: ClusteringMetrics;
  const seconds = await timeIt(() => { m = clusteringMetrics(gt, pred); });
  const peer = runPython(`
import numpy as np, time, json, sys, resource
gt = np.fromfile(sys.argv[1] + '.gt', dtype=np.int32); pred = np.fromfile(sys.argv[1] + '.pred', dtype=np.int32)
t = time.perf_counter()
n = gt.size
_, gi, a = np.unique(gt, return_inverse=True, return_counts=True)
_, pi, b = np.unique(pred, return_inverse=True, return_counts=True)
key = gi.astype(np.int64) * b.size + pi
cells, nij = np.unique(key, return_counts=True)
ci, cj = cells // b.size, cells % b.size
nij = nij.astype(np.float64)
tk = np.dot(nij, nij) - n; pk = np.sum(b.astype(np.float64) ** 2) - n; qk = np.sum(a.astype(np.float64) ** 2) - n
pw = (tk / pk, tk / qk)
bp = np.sum(nij ** 2 / b[cj]) / n; br = np.sum(nij ** 2 / a[ci]) / n
h = lambda c: -np.sum(c / n * (np.log(c) - np.log(n)))
mi = np.sum(nij / n * (np.log(nij) - np.log(n)) + nij / n * (-np.log(a[ci].astype(np.int64) * b[cj]) + 2 * np.log(n)))
nmi = mi / ((h(a) + h(b)) / 2)
s = time.perf_counter() - t
print(json.dumps({'seconds': s, 'pairwise_precision': pw[0], 'bcubed_precision': bp, 'nmi': nmi, 'peakMB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 'numpy': np.__version__}))
`, [file]);
  recordResult({
    name: 'clustering-metrics', sizes: { items: n, gtClasses: m.numGtClasses, predClusters: m.numPredClusters }, threads: 1,
    seconds, peakMemoryMB: peakRssMB(),
    peer: { name: `numpy ${peer.numpy} contingency (np.unique)`, seconds: peer.seconds as number, peakMemoryMB: peer.peakMB as number },
    extra: {
      pairwisePrecision: m.pairwise.precision, peerPairwisePrecision: peer.pairwise_precision,
      bcubedPrecision: m.bcubed.precision, peerBcubedPrecision: peer.bcubed_precision, nmi: m.nmi, peerNmi: peer.nmi,
    },
  });
}
