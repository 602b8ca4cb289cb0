import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFeatures, writeFeatures, writeKnnLearnToCluster, writeLabels } from '../../src/data/files/index.js';
import { Random } from '../../src/data/random.js';
import { exactKnn } from '../../src/knn/exact.js';
import { loadCheckpoint, saveCheckpoint } from '../../src/train/checkpoint.js';
import { repoRoot } from '../helpers/golden.js';

// one tiny features dataset (6 classes, 120 rows) shared by every case
const dir = mkdtempSync(join(tmpdir(), 'facet-reliability-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const r = new Random(4);
const n = 120, d = 6;
writeFeatures(join(dir, 'f.npy'), { data: Float32Array.from({ length: n * d }, (_, i) => (Math.floor(i / d) % 6 === i % d ? 3 : 0) + r.normal() * 0.3), rows: n, cols: d });
writeLabels(join(dir, 'l.meta'), Int32Array.from({ length: n }, (_, i) => i % 6));
const data = ['--dataset', `features:${join(dir, 'f.npy')}`, '--labels', join(dir, 'l.meta')];
const trainArgs = [...data, '--epochs', '1', '--batch-size', '20', '--embedding-size', '4', '--val-fraction', '0'];

const facet = (args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, [join(repoRoot, 'bin/facet.js'), ...args], {
  encoding: 'utf8', env: { ...process.env, FACET_QUIET: '1', ...env },
});
/** A finished train run in a new folder. */
const trainedRun = (name: string) => {
  const run = join(dir, name);
  const res = facet(['train', ...trainArgs, '--out', run]);
  assert.equal(res.status, 0, res.stderr);
  return run;
};
/** The id of a process that has exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;
const allFinite = (a: Float32Array) => a.every((v) => Number.isFinite(v));

test('a diverging run stops at the first non-finite loss, names the step, suggests a lower --lr and keeps the last finite checkpoint', () => {
  const run = join(dir, 'diverge');
  const res = facet(['train', ...trainArgs, '--lr', '1e20', '--optimizer', 'sgd', '--checkpoint-every', '1', '--out', run]);
  assert.equal(res.status, 1);
  const m = /training diverged at epoch 1, global step (\d+): .*lower --lr \(now 100000000000000000000\)/.exec(res.stderr);
  assert.ok(m, res.stderr);
  assert.ok(!existsSync(join(run, 'result.json')), 'no result of a diverged run');
  const ck = loadCheckpoint(run);
  assert.equal(ck.globalStep, Number(m[1]) - 1, 'the checkpoint is the last step before the divergence');
  for (const [name, p] of Object.entries(ck.params)) assert.ok(allFinite(p.data), name);
});

test('--resume and facet embed refuse a checkpoint holding non-finite weights, naming it', () => {
  const run = trainedRun('nan-weights');
  const ck = loadCheckpoint(run);
  Object.values(ck.params)[0].data[0] = NaN;
  saveCheckpoint(run, ck);
  const resumed = facet(['train', ...trainArgs, '--epochs', '2', '--resume', run]);
  assert.equal(resumed.status, 1);
  assert.match(resumed.stderr, /--resume .*nan-weights: the checkpoint's parameter ".+" holds NaN or Inf \(the run diverged\)/);
  const out = join(dir, 'nan-e.npy');
  const emb = facet(['embed', '--run', run, ...data, '--split', 'train', '--out', out]);
  assert.equal(emb.status, 1);
  assert.match(emb.stderr, /nan-weights\/checkpoint\.json: parameter ".+" holds NaN or Inf/);
  assert.ok(!existsSync(out));
});

test('facet train, cluster baseline and data synth-faces refuse a folder holding another run; --overwrite replaces it; a failed start leaves no folder', () => {
  const run = trainedRun('taken');
  writeFileSync(join(run, 'old-note.txt'), 'from the first run\n');
  const again = facet(['train', ...trainArgs, '--out', run]);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /--out .*taken holds another run \(config\.json, checkpoint\.json, report\.html\): continue it with --resume, replace it with --overwrite/);
  assert.ok(existsSync(join(run, 'old-note.txt')), 'a refused run touches nothing');
  const over = facet(['train', ...trainArgs, '--seed', '7', '--overwrite', '--out', run]);
  assert.equal(over.status, 0, over.stderr);
  assert.ok(!existsSync(join(run, 'old-note.txt')), '--overwrite removed the old contents first');
  assert.equal(JSON.parse(readFileSync(join(run, 'config.json'), 'utf8')).seed, 7);
  assert.ok(!existsSync(join(run, '.lock')), 'the lock is gone after the run');
  // other commands' run folders follow the same rule
  const knn = join(dir, 'g.npz');
  writeKnnLearnToCluster(knn, exactKnn(readFeatures(join(dir, 'f.npy')), 5));
  const cluster = facet(['cluster', 'baseline', '--method', 'cdp', '--knn', knn, '--out', run]);
  assert.equal(cluster.status, 1);
  assert.match(cluster.stderr, /--out .*taken holds another run/);
  const synth = facet(['data', 'synth-faces', '--ids', '3', '--images', '30', '--dim', '4', '--out', run]);
  assert.equal(synth.status, 1);
  assert.match(synth.stderr, /--out .*taken holds another run/);
  // an error found after the folder was taken (backbone weights that are not there): the folder goes again
  const failed = join(dir, 'failed-start');
  const bad = facet(['train', ...trainArgs, '--model', 'resnet18', '--backbone-weights', join(dir, 'none.npz'), '--out', failed]);
  assert.equal(bad.status, 1);
  assert.ok(!existsSync(failed), 'no empty run folder after a failed start');
});

test('a run folder in use is refused naming the process; a lock of a process that is gone is taken over with a warning, and stale temporaries are removed', () => {
  const run = trainedRun('locked');
  writeFileSync(join(run, '.lock'), JSON.stringify({ pid: process.pid, host: hostname(), since: '2026-01-01T00:00:00.000Z' }));
  const busy = facet(['train', ...trainArgs, '--epochs', '2', '--resume', run]);
  assert.equal(busy.status, 1);
  assert.match(busy.stderr, new RegExp(`locked is in use by process ${process.pid} since 2026-01-01T00:00:00.000Z`));
  const dead = deadPid();
  writeFileSync(join(run, '.lock'), JSON.stringify({ pid: dead, host: hostname(), since: '2026-01-01T00:00:00.000Z' }));
  const stale = join(run, `.checkpoint.json.tmp-${dead}-abc123`);
  writeFileSync(stale, 'half a checkpoint');
  const taken = facet(['train', ...trainArgs, '--epochs', '2', '--resume', run]);
  assert.equal(taken.status, 0, taken.stderr);
  assert.match(taken.stderr, new RegExp(`taking over the lock of process ${dead}, which is no longer running`));
  assert.ok(!existsSync(stale), 'the killed writer\'s temporary is removed');
  assert.deepEqual(readdirSync(run).filter((f) => f.includes('.tmp-') || f === '.lock'), []);
});

test('two facet train runs into one --out at once: exactly one writes the run, the other is refused', async () => {
  const run = join(dir, 'race');
  const start = (seed: string) => new Promise<{ code: number | null; stderr: string }>((done) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin/facet.js'), 'train', ...trainArgs, '--epochs', '3', '--seed', seed, '--out', run], { env: { ...process.env, FACET_QUIET: '1' } });
    let stderr = '';
    child.stderr.on('data', (b) => { stderr += b; });
    child.on('exit', (code) => done({ code, stderr }));
  });
  const results = await Promise.all([start('1'), start('2')]);
  assert.deepEqual(results.map((x) => x.code).sort(), [0, 1], results.map((x) => x.stderr).join('\n'));
  assert.match(results.find((x) => x.code === 1)!.stderr, /race (is in use by process \d+ since|holds another run)/);
});

test('an output that is an input is refused naming both options, and the input stays intact', () => {
  const input = join(dir, 'f.npy');
  const before = readFileSync(input);
  const knn = facet(['knn', '--features', input, '--out', join(dir, '.', 'f.npy')]);
  assert.equal(knn.status, 1);
  assert.match(knn.stderr, /--out .*f\.npy is the input --features .*f\.npy/);
  // refused before the run is even read
  const emb = facet(['embed', '--run', join(dir, 'no-run'), ...data, '--split', 'train', '--out', input]);
  assert.equal(emb.status, 1);
  assert.match(emb.stderr, /--out .*f\.npy is the input --dataset features: .*f\.npy/);
  assert.deepEqual(readFileSync(input), before);
});

test('knn removes its resumable blocks (.partial) once the search is done, even when writing the result fails', () => {
  const out = join(dir, 'knn-fail.npz');
  const res = facet(['knn', '--features', join(dir, 'f.npy'), '--k', '5', '--out', out, '--naan-out', join(dir, 'no-such-folder', 'x.npy')]);
  assert.equal(res.status, 1);
  assert.ok(!existsSync(`${out}.partial`));
});

test('with stderr not a terminal, exact kNN, HNSW and k-means print progress lines while the work runs, not only 0 % and 100 %', () => {
  const big = join(dir, 'big.npy');
  const rb = new Random(9);
  writeFeatures(big, { data: Float32Array.from({ length: 3000 * 8 }, () => rb.normal()), rows: 3000, cols: 8 });
  const env = { FACET_QUIET: '0', FACET_PROGRESS_INTERVAL_MS: '0' };
  const knn = facet(['knn', '--features', big, '--k', '5', '--block-rows', '300', '--out', join(dir, 'big.npz')], env);
  assert.equal(knn.status, 0, knn.stderr);
  const between = (s: string, label: string) => s.split('\n').filter((l) => l.startsWith(label) && / (\d+)%/.test(l) && !/ (0|100)%/.test(l));
  assert.ok(between(knn.stderr, 'kNN').length >= 5, knn.stderr);
  const hnsw = facet(['knn', '--features', big, '--k', '5', '--method', 'hnsw', '--ef-construction', '40', '--out', join(dir, 'big-hnsw.npz')], env);
  assert.equal(hnsw.status, 0, hnsw.stderr);
  assert.ok(between(hnsw.stderr, 'HNSW').length >= 1, hnsw.stderr);
  const km = facet(['cluster', 'baseline', '--method', 'kmeans', '--features', big, '--clusters', '20', '--iterations', '6', '--out', join(dir, 'km')], env);
  assert.equal(km.status, 0, km.stderr);
  assert.ok(km.stderr.split('\n').some((l) => l.startsWith('k-means')), km.stderr);
});

