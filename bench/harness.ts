import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { blasCore } from '../src/compute/index.js';

export const benchDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../bench');
export const resultsFile = join(benchDir, 'results.jsonl');

export interface PeerFigure {
  /** e.g. "numpy 1.24.2 (OpenBLAS)", "faiss 1.7.3 IndexFlatIP" */
  name: string;
  seconds: number;
  peakMemoryMB?: number;
}

export interface BenchResult {
  name: string;
  sizes: Record<string, number | string>;
  threads: number;
  seconds: number;
  peakMemoryMB?: number;
  peer?: PeerFigure;
  /** free-form extra figures (recall, GFLOP/s, …) */
  extra?: Record<string, unknown>;
}

/** Appends one JSON line to bench/results.jsonl (with date, ratio to the peer) and prints it. */
export function recordResult(r: BenchResult): void {
  const line = {
    date: new Date().toISOString(),
    ...r,
    ratioToPeer: r.peer ? +(r.seconds / r.peer.seconds).toFixed(3) : undefined,
    cpus: cpus().length,
    node: process.version,
  };
  mkdirSync(benchDir, { recursive: true });
  appendFileSync(resultsFile, JSON.stringify(line) + '\n');
  console.log(JSON.stringify(line));
}

/** Wall-clock seconds of fn (best of `repeat` runs). */
export async function timeIt(fn: () => unknown | Promise<unknown>, repeat = 1): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < repeat; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return best;
}

/** Peak resident memory of this process so far, in MB. */
export function peakRssMB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/**
 * Runs a peer measurement in Debian's Python (/usr/bin/python3, which has numpy, torch, faiss from
 * apt). The script must print one JSON object as its last line of stdout; it is returned parsed.
 */
export function runPython(script: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Record<string, unknown> {
  // the peer's OpenBLAS gets the kernel set facet's runs on (chosen from the CPU flags), so neither side is on a slower one
  const core = blasCore()?.core;
  const file = join(tmpdir(), `facet-bench-${process.pid}-${Date.now()}.py`);
  writeFileSync(file, script);
  const res = spawnSync('/usr/bin/python3', [file, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...(core ? { OPENBLAS_CORETYPE: core } : {}), ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.status !== 0) {
    throw new Error(`peer script failed (${res.status}): ${res.stderr.slice(-2000)}`);
  }
  const lines = res.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

/**
 * Python shared by the PyTorch peers of the training-step benchmarks: the reference's ArcFace (`s`, `m`
 * and a `net`, `W`, `x`, `y`, `opt` defined before it) and `best`, the fastest of three Adam steps after
 * one warm-up.
 */
export const TORCH_ARCFACE_STEP = `
s, m = 64.0, 0.5
def arcface(x, y, w):
    cosine = F.linear(F.normalize(x), F.normalize(w))
    sine = torch.sqrt((1.0 - torch.pow(cosine, 2)).clamp(0, 1))
    phi = torch.where(cosine > math.cos(math.pi - m), cosine * math.cos(m) - sine * math.sin(m), cosine - math.sin(math.pi - m) * m)
    one_hot = torch.zeros(cosine.size()); one_hot.scatter_(1, y.view(-1, 1).long(), 1)
    return F.cross_entropy((one_hot * phi + (1.0 - one_hot) * cosine) * s, y)
def step():
    opt.zero_grad(); arcface(net(x), y, W).backward(); opt.step()
step(); best = 1e9
for _ in range(3):
    t = time.perf_counter(); step(); best = min(best, time.perf_counter() - t)
`;
