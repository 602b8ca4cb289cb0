import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Random } from '../../src/data/random.js';
import { writeFeatures, writeLabels } from '../../src/data/files/index.js';
import { train, type TrainOptions } from '../../src/train/trainer.js';
import { defaultTrainConfig, validateTrainConfig, type TrainConfig } from '../../src/train/config.js';
import { splitByClass } from '../../src/train/samples.js';
import { autoValEvery, midEpochValSteps } from '../../src/train/val-schedule.js';
import { trainingCurves, validationPoints } from '../../src/report/training-curves.js';
import { repoRoot } from '../helpers/golden.js';
import { tempDir } from '../helpers/temp.js';
import { gaussianClusters } from '../helpers/clusters.js';

process.env.FACET_QUIET = '1';


type Row = Record<string, unknown>;
const rowsOf = (dir: string): Row[] => readFileSync(join(dir, 'metrics.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
/** the rows without their wall-clock timings, which differ between any two runs */
const untimed = (rows: Row[]) => rows.map(({ seconds: _s, samplesPerSecond: _p, ...rest }) => rest);

// 9 training classes × 16 rows, batches of 16: 9 steps per epoch
const { train: tr, val, numClasses } = splitByClass(gaussianClusters(12, 16, 10, 1), 0.25);
const config: TrainConfig = { ...defaultTrainConfig, hidden: [16], embeddingDim: 8, epochs: 3, batchSize: 16, lr: 1e-2, scale: 16, margin: 0.2, seed: 3 };
const base: Omit<TrainOptions, 'runDir'> = { config: { ...config, valEvery: 0.25 }, train: tr, val, numClasses };

test('mid-epoch validation steps: a fraction of the epoch, evenly spread, the epoch end left to the epoch row', () => {
  assert.deepEqual([...midEpochValSteps(9, 0.25)], [2, 5, 7]);
  assert.deepEqual([...midEpochValSteps(8, 0.25)], [2, 4, 6]);
  assert.deepEqual([...midEpochValSteps(8, 1)], []);
  assert.deepEqual([...midEpochValSteps(8)], []);
  // more points than steps: every step, once
  assert.deepEqual([...midEpochValSteps(4, 0.1)], [1, 2, 3]);
  assert.deepEqual([...midEpochValSteps(1, 0.25)], []);
  // at least 8 points over the run, evenly spread in each epoch
  assert.equal(autoValEvery(1), 1 / 8);
  assert.equal(autoValEvery(2), 1 / 4);
  assert.equal(autoValEvery(3), 1 / 3);
  assert.equal(autoValEvery(8), 1);
  assert.equal(autoValEvery(40), 1);
  for (const v of [0, -0.5, 1.5, NaN]) assert.throws(() => validateTrainConfig({ ...config, valEvery: v }), /^Error: --val-every: must be a fraction of an epoch in \(0, 1\]/);
  validateTrainConfig({ ...config, valEvery: 1 });
});

test('--val-every 0.25 writes 4 validations per epoch at increasing steps, and leaves the training and the epoch selection as they were', async () => {
  const dir = tempDir('facet-val-every-'), once = tempDir('facet-val-once-');
  const r = await train({ ...base, runDir: dir });
  const plain = await train({ ...base, config, runDir: once });
  const rows = rowsOf(dir);
  for (let e = 1; e <= 3; e++) {
    const mid = rows.filter((x) => x.kind === 'val' && x.epoch === e);
    assert.deepEqual(mid.map((x) => x.stepInEpoch), [2, 5, 7], `epoch ${e}`);
    assert.deepEqual(mid.map((x) => x.step), [2, 5, 7].map((s) => 9 * (e - 1) + s));
    for (const x of mid) assert.equal(typeof (x.val as Record<string, number>).mapAtR, 'number');
  }
  const points = validationPoints(rows);
  assert.equal(points.length, 12);
  assert.deepEqual(points.map((p) => p.step), [2, 5, 7, 9, 11, 14, 16, 18, 20, 23, 25, 27]);
  // validation is read-only: the same steps, epoch rows (their validation included) and selected epoch as once per epoch
  const plainRows = rowsOf(once);
  assert.deepEqual(untimed(rows.filter((x) => x.kind !== 'val')), untimed(plainRows));
  assert.ok(!plainRows.some((x) => x.kind === 'val'));
  assert.deepEqual(r.best?.epoch, plain.best?.epoch);
  assert.deepEqual(r.weight, plain.weight);
  // config.json records the setting
  assert.equal(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).valEvery, 0.25);
  // the run's validation curve: every point against the step, not one per epoch
  const curves = await trainingCurves('training', rows);
  const valPlot = curves.map((b) => (b.kind === 'plot' ? b.svg : '')).find((svg) => svg.includes('training: validation'))!;
  const line = /series: MAP@R[^"]*" role="graphics-symbol" aria-roledescription="line mark" d="([^"]*)"/.exec(valPlot);
  assert.ok(line, 'a MAP@R line');
  assert.equal(line[1].split('L').length, 12, 'one vertex per validation');
  assert.match(valPlot, />step</);
});

test('interrupted at and between validation steps, a resumed run writes exactly the uninterrupted run\'s rows', async () => {
  const whole = tempDir('facet-val-whole-');
  await train({ ...base, runDir: whole });
  // step 5: a validation step of epoch 1 (its row is written before the stop); step 12: between two of epoch 2
  for (const stop of [5, 12]) {
    const dir = tempDir('facet-val-cut-');
    const part = await train({ ...base, runDir: dir, stopAfterSteps: stop });
    assert.equal(part.interrupted, true);
    assert.equal(rowsOf(dir).filter((x) => x.kind === 'val').at(-1)?.step, stop === 5 ? 5 : 11);
    await train({ ...base, runDir: dir, resume: true });
    assert.deepEqual(untimed(rowsOf(dir)), untimed(rowsOf(whole)), `stopped after step ${stop}`);
  }
});

const facet = (...args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/facet.js'), ...args], { encoding: 'utf8', env: { ...process.env, FACET_QUIET: '1' } });

test('facet train --val-every: refused clearly when out of (0, 1], recorded in config.json under its flag name, which --config reads back; an older config.json without it still reads', () => {
  const dir = tempDir('facet-val-cli-');
  const n = 120, d = 6;
  const r = new Random(4);
  writeFeatures(join(dir, 'f.npy'), { data: Float32Array.from({ length: n * d }, (_, i) => (Math.floor(i / d) % 6 === i % d ? 3 : 0) + r.normal() * 0.3), rows: n, cols: d });
  writeLabels(join(dir, 'l.meta'), Int32Array.from({ length: n }, (_, i) => i % 6));
  const data = ['--dataset', `features:${join(dir, 'f.npy')}`, '--labels', join(dir, 'l.meta')];
  const args = [...data, '--epochs', '1', '--batch-size', '20', '--lr', '1e-2', '--scale', '16', '--embedding-size', '4', '--val-fraction', '0.34'];
  for (const bad of ['0', '1.5', 'half']) {
    const res = facet('train', ...args, '--val-every', bad, '--out', join(dir, 'bad'));
    assert.equal(res.status, 1, bad);
    assert.match(res.stderr, new RegExp(`--val-every must be a fraction in \\(0, 1\\], got "${bad}"`));
  }
  const run = join(dir, 'run');
  const res = facet('train', ...args, '--val-every', '0.5', '--out', run);
  assert.equal(res.status, 0, res.stderr);
  const saved = JSON.parse(readFileSync(join(run, 'config.json'), 'utf8'));
  assert.equal(saved['val-every'], 0.5);
  // 80 training rows in batches of 20: 4 steps, validated after step 2 and at the epoch's end
  assert.deepEqual(rowsOf(run).filter((x) => x.kind === 'val').map((x) => x.step), [2]);
  const again = join(dir, 'again');
  assert.equal(facet('train', '--config', join(run, 'config.json'), '--out', again).status, 0);
  assert.deepEqual(untimed(rowsOf(again)), untimed(rowsOf(run)));
  // a config.json of a run from before --val-every: validated once per epoch, as then
  const { 'val-every': _gone, ...old } = saved;
  writeFileSync(join(dir, 'old.json'), JSON.stringify(old));
  const older = join(dir, 'older');
  const o = facet('train', '--config', join(dir, 'old.json'), '--out', older);
  assert.equal(o.status, 0, o.stderr);
  assert.ok(!rowsOf(older).some((x) => x.kind === 'val'));
  assert.equal(rowsOf(older).filter((x) => x.kind === 'epoch' && x.val).length, 1);
});
