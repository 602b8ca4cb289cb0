import { fallbackKernels, kernels, threads } from '../src/compute/index.js';
import { recordResult, runPython, timeIt } from './harness.js';

const shapes = [
  { label: 'batch·Wᵀ', m: 256, k: 128, n: 11318, transB: false },
  { label: 'queue·Wᵀ', m: 32000, k: 128, n: 11318, transB: true },
];

/** sgemm at the BroadFace head's sizes: native vs TypeScript fallback vs numpy (OpenBLAS), same run. */
export async function benchSgemm(): Promise<void> {
  const native = kernels();
  for (const s of shapes) {
    const a = Float32Array.from({ length: s.m * s.k }, () => Math.random() - 0.5);
    const b = Float32Array.from({ length: s.k * s.n }, () => Math.random() - 0.5);
    const c = new Float32Array(s.m * s.n);
    const run = (kern = native) => kern.sgemm(false, s.transB, s.m, s.n, s.k, 1, a, b, 0, c);
    run();
    const seconds = await timeIt(() => run(), 5);
    // the fallback is far slower: time it once on a slice of rows and scale
    const rows = Math.min(s.m, 64);
    const fb = await timeIt(() => fallbackKernels.sgemm(false, s.transB, rows, s.n, s.k, 1, a, b, 0, c), 1);
    const peer = runPython(`
import numpy as np, time, json, sys
m, k, n, tb = map(int, sys.argv[1:5])
a = np.random.rand(m, k).astype(np.float32) - .5
b = (np.random.rand(n, k) if tb else np.random.rand(k, n)).astype(np.float32) - .5
f = (lambda: a @ b.T) if tb else (lambda: a @ b)
f(); best = 1e9
for _ in range(5):
    t = time.perf_counter(); f(); best = min(best, time.perf_counter() - t)
print(json.dumps({'seconds': best, 'numpy': np.__version__}))
`, [String(s.m), String(s.k), String(s.n), s.transB ? '1' : '0']);
    const flops = 2 * s.m * s.n * s.k;
    recordResult({
      name: 'sgemm',
      sizes: { shape: `${s.m}×${s.k}·${s.transB ? `(${s.n}×${s.k})ᵀ` : `${s.k}×${s.n}`}`, m: s.m, k: s.k, n: s.n },
      threads: threads(),
      seconds,
      peer: { name: `numpy ${peer.numpy} (Debian OpenBLAS)`, seconds: peer.seconds as number },
      extra: { kernels: native.name, gflops: +(flops / seconds / 1e9).toFixed(1), fallbackSecondsEstimated: +((fb * s.m) / rows).toFixed(3) },
    });
  }
}
