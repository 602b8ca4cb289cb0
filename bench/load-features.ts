import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchDir, recordResult, runPython } from './harness.js';

const rows = Number(process.env.FACET_BENCH_ROWS ?? 584013);
const dim = 256;
const repeats = 3;
const dataDir = resolve(benchDir, '../.data/bench-load-features');
const filesModule = pathToFileURL(resolve(benchDir, '../dist/src/data/files/index.js')).href;

interface Measure { seconds: number; peakMemoryMB: number; baselineMB: number }

/** One load in a fresh node process, so its peak RSS is this load's alone. */
function facetLoad(file: string): Measure {
  const script = `
import { readFeatures } from ${JSON.stringify(filesModule)};
const baselineMB = process.resourceUsage().maxRSS / 1024;
const t = process.hrtime.bigint();
const m = readFeatures(process.argv[1], { dim: ${dim} });
const seconds = Number(process.hrtime.bigint() - t) / 1e9;
if (m.rows !== ${rows}) throw new Error('wrong row count ' + m.rows);
console.log(JSON.stringify({ seconds, peakMemoryMB: process.resourceUsage().maxRSS / 1024, baselineMB }));`;
  const res = spawnSync(process.execPath, ['--input-type=module', '-e', script, file], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`facet load failed: ${res.stderr}`);
  return JSON.parse(res.stdout.trim());
}

/** numpy's load of the same file, also in a fresh process each time. */
function numpyLoad(file: string): Measure {
  return runPython(`
import sys, time, json, resource, numpy as np
f = sys.argv[1]
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t = time.perf_counter()
if f.endswith('.bin'): a = np.fromfile(f, dtype=np.float32).reshape(-1, ${dim})
elif f.endswith('.npz'): a = np.load(f)['embs']
else: a = np.load(f)
s = time.perf_counter() - t
assert a.shape == (${rows}, ${dim})
print(json.dumps({'seconds': s, 'peakMemoryMB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 'baselineMB': base}))
`, [file]) as unknown as Measure;
}

function best(run: () => Measure): Measure {
  const all = Array.from({ length: repeats }, run);
  return all.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

/** Loading a learn-to-cluster-sized feature file (584,013 × 256 float32, 598 MB) as .bin/.npy/.npz vs numpy. */
export async function benchLoadFeatures(): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  const stem = join(dataDir, `feats_${rows}x${dim}`);
  if (!['.bin', '.npy', '.npz'].every((e) => existsSync(stem + e))) {
    console.error(`writing ${stem}.{bin,npy,npz} with numpy`);
    runPython(`
import sys, numpy as np
a = np.random.default_rng(0).standard_normal((${rows}, ${dim}), dtype=np.float32)
a.tofile(sys.argv[1] + '.bin'); np.save(sys.argv[1] + '.npy', a); np.savez(sys.argv[1] + '.npz', embs=a)
print('{}')`, [stem]);
  }
  const numpyVersion = runPython('import numpy, json; print(json.dumps({"v": numpy.__version__}))').v;
  for (const ext of ['.bin', '.npy', '.npz']) {
    const file = stem + ext;
    const facet = best(() => facetLoad(file));
    const peer = best(() => numpyLoad(file));
    recordResult({
      name: 'load-features',
      sizes: { format: ext.slice(1), rows, dim, fileMB: +(statSync(file).size / 2 ** 20).toFixed(1) },
      threads: 1,
      seconds: facet.seconds,
      peakMemoryMB: +facet.peakMemoryMB.toFixed(1),
      peer: { name: `numpy ${numpyVersion} ${ext === '.bin' ? 'fromfile' : 'load'}`, seconds: peer.seconds, peakMemoryMB: +peer.peakMemoryMB.toFixed(1) },
      extra: {
        note: `best of ${repeats} fresh processes, file in page cache; baseline = RSS before the load`,
        baselineMB: +facet.baselineMB.toFixed(1),
        peerBaselineMB: +peer.baselineMB.toFixed(1),
        loadAverage1m: +loadavg()[0].toFixed(1),
      },
    });
  }
}
