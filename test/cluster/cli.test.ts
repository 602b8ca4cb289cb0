import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { synthFaces } from '../../src/data/synth/synth-faces.js';
import { exactKnn } from '../../src/knn/exact.js';
import { readLabels, readNpy, writeFeatures, writeKnnLearnToCluster, writeKnnNaan, writeLabels } from '../../src/data/files/index.js';
import { loadCheckpoint } from '../../src/models/naan/checkpoint.js';
import { repoRoot } from '../helpers/golden.js';
import { checkPage, haveChromium } from '../helpers/browser.js';
import { tempDir } from '../helpers/temp.js';

// a labelled and an unlabelled split, written as the CLI reads them: .npy features, .txt labels,
// learn-to-cluster kNN (.npz with distances) and NAAN kNN (.npy indices only)
const dir = tempDir('facet-cluster-cli-');
const splits = { train: synthFaces({ ids: 10, images: 120, dim: 8, seed: 1, spread: [0.6, 1] }), test: synthFaces({ ids: 10, images: 100, dim: 8, seed: 2, spread: [0.6, 1] }) };
for (const [name, s] of Object.entries(splits)) {
  const g = exactKnn(s.features, 9);
  writeFeatures(join(dir, `${name}.npy`), s.features);
  writeLabels(join(dir, `${name}.txt`), s.labels);
  writeKnnLearnToCluster(join(dir, `${name}_knn.npz`), g);
  writeKnnNaan(join(dir, `${name}_knn.npy`), g);
}
const f = (name: string) => join(dir, name);

function facet(...args: string[]) {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin/facet.js'), 'cluster', ...args], { encoding: 'utf8', env: { ...process.env, FACET_QUIET: '1' } });
  return { ...r, json: () => JSON.parse(r.stdout.trim().split('\n').pop()!) };
}

/** `args` with --epochs set to `epochs` */
const withEpochs = (args: string[], epochs: string) => args.map((a, i) => (args[i - 1] === '--epochs' ? epochs : a));
const trainArgs = (out: string, ...extra: string[]) => [
  'train', '--features', f('train.npy'), '--knn', f('train_knn.npy'), '--labels', f('train.txt'), '--out', out,
  '--k-hops', '3,2', '--sample-hops', '3', '--epochs', '2', '--batch-size', '32', '--max-steps-per-epoch', '4', '--lr', '0.01', ...extra,
];

test('Ctrl-C in cluster train saves the checkpoint and exits with 130', async () => {
  const { spawn } = await import('node:child_process');
  const ck = f('interrupted.json');
  const child = spawn(process.execPath, [join(repoRoot, 'bin/facet.js'), 'cluster', ...withEpochs(trainArgs(ck), '100000')], { env: { ...process.env, FACET_QUIET: '1' } });
  let stdout = '';
  child.stdout.on('data', (b) => { stdout += b; });
  // the first epoch's checkpoint shows training is under way
  while (!existsSync(ck)) await new Promise((res) => setTimeout(res, 20));
  child.kill('SIGINT');
  const code = await new Promise((res) => child.on('exit', res));
  assert.equal(code, 130);
  assert.equal(JSON.parse(stdout.trim().split('\n').at(-1)!).stopped, true);
  assert.ok(loadCheckpoint(ck).state.epoch < 100000);
});

test('cluster train writes a checkpoint that loads back; interrupted (--stop-after) then --resume gives the uninterrupted weights', () => {
  const whole = facet(...trainArgs(f('whole.json')));
  assert.equal(whole.status, 0, whole.stderr);
  const w = whole.json();
  assert.deepEqual(w.kHops, [3, 2]);
  assert.equal(w.stopped, false);
  assert.equal(w.history.length, 2);
  const ck = loadCheckpoint(f('whole.json'));
  assert.equal(ck.state.epoch, 2);
  assert.equal(ck.config.dim, 8);

  // stop mid-epoch 0 (after 3 of 4 steps), then resume to the end
  const part = facet(...trainArgs(f('part.json'), '--stop-after', '3'));
  assert.equal(part.status, 0, part.stderr);
  assert.equal(part.json().stopped, true);
  assert.deepEqual(loadCheckpoint(f('part.json')).state, { epoch: 0, step: 3, adamStep: 3, seed: 0 });
  const rest = facet(...trainArgs(f('part.json'), '--resume'));
  assert.equal(rest.status, 0, rest.stderr);
  assert.deepEqual(loadCheckpoint(f('part.json')).params, ck.params);
  assert.deepEqual(loadCheckpoint(f('part.json')).adam, ck.adam);
});

test('cluster train caps the default k-hops at the kNN width', () => {
  const r = facet('train', '--features', f('train.npy'), '--knn', f('train_knn.npy'), '--labels', f('train.txt'), '--out', f('capped.json'), '--epochs', '1', '--max-steps-per-epoch', '1');
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.json().kHops, [8, 8]);
  assert.equal(r.json().sampleHops, 8);
});

test('cluster predict writes labels, clean labels, edges, scores and a report whose metrics are the ones printed', () => {
  if (!existsSync(f('whole.json'))) assert.equal(facet(...trainArgs(f('whole.json'))).status, 0);
  const out = f('pred');
  const r = facet('predict', '--model', f('whole.json'), '--features', f('test.npy'), '--knn', f('test_knn.npz'), '--labels', f('test.txt'), '--out', out, '--k-hops', '3,2', '--edge-hops', '4');
  assert.equal(r.status, 0, r.stderr);
  const printed = r.json();
  const labels = readLabels(join(out, 'labels.txt'));
  assert.equal(labels.length, 100);
  assert.equal(readLabels(join(out, 'labels_clean.txt')).length, 100);
  const edges = readNpy(join(out, 'edges.npy')), scores = readNpy(join(out, 'scores.npy'));
  assert.equal(edges.shape[1], 2);
  assert.equal(edges.shape[0], scores.shape[0]);
  assert.equal(printed.clusters, new Set(Array.from(labels).filter((l) => l >= 0)).size);
  for (let e = 0; e < scores.shape[0]; e++) {
    const s = Number(scores.data[e]);
    assert.ok(s >= 0 && s <= 1);
    assert.ok(Number(edges.data[2 * e]) < Number(edges.data[2 * e + 1]));
  }
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  assert.equal(report.method, 'naan');
  assert.equal(report.numEdges, scores.shape[0]);
  assert.equal(printed.bcubedF, report.metrics.all.bcubed.fscore);
  assert.equal(printed.pairwiseF, report.metrics.all.pairwise.fscore);
  assert.equal(printed.nmi, report.metrics.all.nmi);
  assert.equal(printed.clusters, report.numClusters);
});

test('cluster predict report.html: metrics table, cluster-size, class-size and edge-score plots drawn in chromium, run settings', { skip: !haveChromium() && 'no chromium' }, async () => {
  const out = f('pred');
  if (!existsSync(join(out, 'report.html'))) assert.fail('cluster predict wrote no report.html');
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  const seen = await checkPage(join(out, 'report.html'), join(out, 'report.png'));
  assert.deepEqual(seen.consoleErrors, []);
  assert.equal(seen.title, 'facet cluster: naan');
  assert.equal(seen.svgCount, 3);
  for (const s of seen.svgSizes) assert.ok(s.width > 100 && s.height > 100, `plot drawn at ${s.width}×${s.height}`);
  assert.ok(seen.text.includes(report.metrics.all.bcubed.fscore.toPrecision(4)), 'BCubed F of report.json shown');
  assert.match(seen.text, /singletons removed \(NAAN protocol\)/);
  assert.match(seen.text, /startThreshold/);
  assert.ok(statSync(join(out, 'report.png')).size > 5000, 'screenshot written');
});

test('cluster baseline: threshold chosen on a labelled split; printed metrics equal report.json', () => {
  for (const method of ['threshold', 'cdp', 'chinese-whispers']) {
    const out = f(`base-${method}`);
    const r = facet('baseline', '--method', method, '--knn', f('test_knn.npz'), '--labels', f('test.txt'), '--out', out, '--tune-knn', f('train_knn.npz'), '--tune-labels', f('train.txt'));
    assert.equal(r.status, 0, r.stderr);
    const printed = r.json();
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    assert.equal(report.threshold, printed.threshold);
    assert.equal(report.tuning.threshold, printed.threshold);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    assert.match(html, /Threshold tuning on the labelled split/);
    assert.ok(html.includes(report.metrics.all.bcubed.fscore.toPrecision(4)));
    assert.equal(report.tuning.sweep.length, 19);
    assert.equal(Math.max(...report.tuning.sweep.map((s: [number, number]) => s[1])), report.tuning.bcubedF);
    assert.equal(printed.bcubedF, report.metrics.all.bcubed.fscore);
    assert.equal(printed.pairwiseF, report.metrics.all.pairwise.fscore);
    assert.equal(readLabels(join(out, 'labels.txt')).length, 100);
    assert.equal(readLabels(join(out, 'labels_clean.txt')).length, 100);
    assert.ok(printed.bcubedF > 0.5, `${method}: ${printed.bcubedF}`);
  }
  const km = facet('baseline', '--method', 'kmeans', '--features', f('test.npy'), '--clusters', '10', '--labels', f('test.txt'), '--out', f('base-kmeans'));
  assert.equal(km.status, 0, km.stderr);
  assert.equal(km.json().bcubedF, JSON.parse(readFileSync(f('base-kmeans/report.json'), 'utf8')).metrics.all.bcubed.fscore);
});

const bad: [string, string[], RegExp][] = [
  ['train without labels', ['train', '--features', f('train.npy'), '--knn', f('train_knn.npy'), '--out', f('x.json')], /train\.npy: no labels; pass --labels/],
  ['train with labels of another length', ['train', '--features', f('train.npy'), '--knn', f('train_knn.npy'), '--labels', f('test.txt'), '--out', f('x.json')], /test\.txt.*100.*120|120.*100/],
  ['predict with mismatched kNN rows', ['predict', '--model', f('whole.json'), '--features', f('test.npy'), '--knn', f('train_knn.npy'), '--out', f('y')], /train_knn\.npy: 120 kNN rows for 100 feature rows in .*test\.npy/],
  ['predict with a missing model', ['predict', '--model', f('nope.json'), '--features', f('test.npy'), '--knn', f('test_knn.npy'), '--out', f('y')], /nope\.json: checkpoint not found/],
  ['baseline with half the tuning split', ['baseline', '--method', 'cdp', '--knn', f('test_knn.npz'), '--out', f('z'), '--tune-knn', f('train_knn.npz')], /--tune-knn and --tune-labels go together/],
  ['baseline tuning with mismatched labels', ['baseline', '--method', 'cdp', '--knn', f('test_knn.npz'), '--out', f('z'), '--tune-knn', f('train_knn.npz'), '--tune-labels', f('test.txt')], /test\.txt.*100.*120|120.*100/],
  ['baseline on an index-only kNN', ['baseline', '--method', 'cdp', '--knn', f('test_knn.npy'), '--out', f('z')], /holds no distances/],
];

for (const [what, args, message] of bad) {
  test(`cluster refuses ${what} with a clear error and a non-zero exit`, () => {
    if (args.includes(f('whole.json')) && !existsSync(f('whole.json'))) assert.equal(facet(...trainArgs(f('whole.json'))).status, 0);
    const r = facet(...args);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, message);
  });
}
