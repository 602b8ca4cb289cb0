import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFeatures, writeFeatures, writeLabels, writeNpz } from '../../src/data/files/index.js';
import { Random } from '../../src/data/random.js';
import { defaultTrainConfig, validateTrainConfig } from '../../src/train/config.js';
import { repoRoot } from '../helpers/golden.js';
import { tempDir } from '../helpers/temp.js';

const facet = (...args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/facet.js'), ...args], {
  encoding: 'utf8', env: { ...process.env, FACET_QUIET: '1' },
});

/** n rows of d-dim features in `classes` separable classes (row i is class i % classes). */
function dataset(dir: string, n: number, d: number, classes: number, labelOf = (i: number) => i % classes): { f: string; l: string } {
  const r = new Random(4);
  const data = Float32Array.from({ length: n * d }, (_, i) => (Math.floor(i / d) % classes % d === i % d ? 3 : 0) + r.normal() * 0.3);
  const f = join(dir, 'f.npy'), l = join(dir, 'l.meta');
  writeFeatures(f, { data, rows: n, cols: d });
  writeLabels(l, Int32Array.from({ length: n }, (_, i) => labelOf(i)));
  return { f, l };
}


const small = ['--epochs', '1', '--batch-size', '20', '--lr', '1e-2', '--scale', '16', '--embedding-size', '4'];

test('a run\'s config.json fed back with --config reproduces the run', (t) => {
  const dir = tempDir('facet-train-input-');
  const { f, l } = dataset(dir, 60, 6, 6);
  const a = facet('train', '--dataset', `features:${f}`, '--labels', l, ...small, '--hidden', '8', '--recall', '1,2', '--out', join(dir, 'A'));
  assert.equal(a.status, 0, a.stderr);
  const config = JSON.parse(readFileSync(join(dir, 'A', 'config.json'), 'utf8'));
  assert.equal(config.dataset, `features:${f}`);
  assert.equal(config['batch-size'], 20);
  assert.deepEqual(config.recall, [1, 2]);
  const b = facet('train', '--config', join(dir, 'A', 'config.json'), '--out', join(dir, 'B'));
  assert.equal(b.status, 0, b.stderr);
  const numbers = (run: string) => {
    const r = JSON.parse(readFileSync(join(dir, run, 'result.json'), 'utf8'));
    return { lastEpoch: { ...r.lastEpoch, seconds: 0, samplesPerSecond: 0 }, validationSelected: r.validationSelected, numClasses: r.numClasses };
  };
  assert.deepEqual(numbers('B'), numbers('A'));
});

test('train: −1 rows are no class (counted and reported); a .bin trains with --dim, a two-array .npz with --key', (t) => {
  const dir = tempDir('facet-train-input-');
  const { f, l } = dataset(dir, 60, 6, 6, (i) => (i % 10 === 9 ? -1 : i % 6));
  const r = facet('train', '--dataset', `features:${f}`, '--labels', l, ...small, '--val-fraction', '0', '--out', join(dir, 'A'));
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
  assert.equal(out.numClasses, 6);
  assert.equal(out.trainSamples, 54);
  assert.equal(out.unlabelledIgnored, 6);
  assert.match(r.stderr, /6 unlabelled rows \(label −1\) ignored in training/);
  // the same features as a raw .bin (needs --dim) and inside a two-array .npz (needs --key)
  const m = readFeatures(f);
  writeFeatures(join(dir, 'f.bin'), m);
  writeNpz(join(dir, 'two.npz'), { a: { dtype: 'float32', shape: [m.rows, m.cols], data: m.data }, b: { dtype: 'float32', shape: [m.rows, m.cols], data: m.data } });
  const noDim = facet('train', '--dataset', `features:${join(dir, 'f.bin')}`, '--labels', l, ...small, '--out', join(dir, 'B'));
  assert.match(noDim.stderr, /needs its dimension \(--dim D\)/);
  const bin = facet('train', '--dataset', `features:${join(dir, 'f.bin')}`, '--dim', '6', '--labels', l, ...small, '--val-fraction', '0', '--out', join(dir, 'B'));
  assert.equal(bin.status, 0, bin.stderr);
  const noKey = facet('train', '--dataset', `features:${join(dir, 'two.npz')}`, '--labels', l, ...small, '--out', join(dir, 'C'));
  assert.match(noKey.stderr, /several arrays \(a, b\); say which with --key NAME/);
  const npz = facet('train', '--dataset', `features:${join(dir, 'two.npz')}`, '--key', 'b', '--labels', l, ...small, '--val-fraction', '0', '--out', join(dir, 'C'));
  assert.equal(npz.status, 0, npz.stderr);
  const lossOf = (run: string) => JSON.parse(readFileSync(join(dir, run, 'result.json'), 'utf8')).lastEpoch.loss;
  assert.equal(lossOf('B'), lossOf('A'));
  assert.equal(lossOf('C'), lossOf('A'));
});

test('train refuses, before training, options that do not fit the data, naming the option and the limit', (t) => {
  const dir = tempDir('facet-train-input-');
  const { f, l } = dataset(dir, 60, 6, 6);
  writeFeatures(join(dir, 'narrow.npy'), { data: new Float32Array(60 * 4).fill(1), rows: 60, cols: 4 });
  writeLabels(join(dir, 'one.meta'), new Int32Array(60));
  const base = ['--dataset', `features:${f}`, '--labels', l, ...small];
  const cases: [string[], RegExp][] = [
    [['--test-features', join(dir, 'narrow.npy'), '--test-labels', l], /--test-features .*narrow\.npy: samples are 4-d, the training samples 6-d/],
    [['--test-features', f, '--test-labels', l, '--recall', '1,5000'], /--recall 5000: larger than the 60 labelled test samples \(leave-one-out: 59 candidates\)/],
    [['--margin', '5'], /--margin: 5: ArcFace margins are meaningful in \[0, π\/2/],
  ];
  for (const [extra, message] of cases) {
    const r = facet('train', ...base, ...extra, '--out', join(dir, 'run'));
    assert.notEqual(r.status, 0, extra.join(' '));
    assert.match(r.stderr, message);
    assert.ok(!existsSync(join(dir, 'run', 'checkpoint.json')), `${extra.join(' ')}: trained before refusing`);
  }
  const single = facet('train', '--dataset', `features:${f}`, '--labels', join(dir, 'one.meta'), ...small, '--out', join(dir, 'run'));
  assert.match(single.stderr, /1 training class; a classifier head needs at least 2/);
  // every row its own class: legal, but validation cannot pick an epoch
  writeLabels(join(dir, 'own.meta'), Int32Array.from({ length: 60 }, (_, i) => i));
  const own = facet('train', '--dataset', `features:${f}`, '--labels', join(dir, 'own.meta'), ...small, '--out', join(dir, 'own'));
  assert.equal(own.status, 0, own.stderr);
  assert.match(own.stderr, /warning: .*every training row is its own class/);
  assert.match(own.stderr, /warning: --val-fraction 0\.1: every validation class has one sample/);
});

test('--loss takes every registered margin, and --queue-size [--compensate] puts the BroadFace queue on any of them', (t) => {
  const dir = tempDir('facet-train-input-');
  const { f, l } = dataset(dir, 60, 6, 6);
  for (const loss of ['cosface', 'subcenter-arcface']) {
    const run = join(dir, loss);
    const r = facet('train', '--dataset', `features:${f}`, '--labels', l, ...small, '--loss', loss, '--queue-size', '30', '--compensate', '--out', run);
    assert.equal(r.status, 0, r.stderr);
    const steps = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((x) => JSON.parse(x)).filter((x) => x.kind === 'step');
    assert.ok(steps.at(-1).queue > 0 && steps.at(-1).broadLoss > 0, `${loss}: the queue is used`);
  }
  const bad = facet('train', '--dataset', `features:${f}`, '--labels', l, ...small, '--loss', 'triplet', '--out', join(dir, 'x'));
  assert.match(bad.stderr, /--loss: must be one of arcface, cosface, subcenter-arcface, broadface, got "triplet"/);
});

test('margins outside their meaningful range are refused by name', () => {
  const check = (loss: 'arcface' | 'cosface' | 'broadface' | 'subcenter-arcface', margin: number) => () => validateTrainConfig({ ...defaultTrainConfig, loss, margin });
  assert.throws(check('arcface', -1), /--margin: -1: ArcFace margins are meaningful in \[0, π\/2/);
  assert.throws(check('broadface', 1.6), /--margin: 1\.6: ArcFace margins/);
  assert.throws(check('cosface', 1.2), /--margin: 1\.2: CosFace margins are meaningful in \[0, 1\)/);
  assert.throws(check('subcenter-arcface', 1.6), /--margin: 1\.6: sub-center ArcFace margins/);
  for (const [loss, m] of [['arcface', 0], ['arcface', 1.5], ['cosface', 0.35], ['broadface', 0.5]] as const) assert.doesNotThrow(check(loss, m));
});
