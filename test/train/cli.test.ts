import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { readFeatures, readLabels, writeFeatures, writeLabels } from '../../src/data/files/index.js';
import { Random } from '../../src/data/random.js';
import { repoRoot } from '../helpers/golden.js';
import { tempDir } from '../helpers/temp.js';

const facet = (...args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/facet.js'), ...args], {
  encoding: 'utf8', env: { ...process.env, FACET_QUIET: '1' },
});

test('facet train on precomputed features writes config, metrics, checkpoint and result; resume of a finished run adds nothing', () => {
  const dir = tempDir('facet-train-cli-');
  const r = new Random(4);
  const n = 120, d = 6;
  const labels = Int32Array.from({ length: n }, (_, i) => i % 6);
  const data = Float32Array.from({ length: n * d }, (_, i) => (Math.floor(i / d) % 6 === i % d ? 3 : 0) + r.normal() * 0.3);
  writeFeatures(join(dir, 'f.npy'), { data, rows: n, cols: d });
  writeLabels(join(dir, 'l.meta'), labels);
  const run = join(dir, 'run');
  const args = ['--dataset', `features:${join(dir, 'f.npy')}`, '--labels', join(dir, 'l.meta'), '--loss', 'broadface', '--queue-size', '50',
    '--compensate', '--epochs', '2', '--batch-size', '20', '--lr', '1e-2', '--scale', '16', '--embedding-size', '4', '--val-fraction', '0.34'];
  const res = facet('train', ...args, '--out', run);
  assert.equal(res.status, 0, res.stderr);
  const out = JSON.parse(res.stdout.trim().split('\n').at(-1)!);
  assert.equal(out.numClasses, 4);
  assert.equal(out.trainSamples, 80);
  for (const f of ['config.json', 'metrics.jsonl', 'checkpoint.json', 'result.json']) assert.ok(existsSync(join(run, f)), f);
  const lines = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.filter((l) => l.kind === 'step').length, 8);
  assert.ok(typeof lines.at(-1).val['recall@1'] === 'number');
  // the validation-selected epoch is reported with its test numbers beside the last epoch's
  const withTest = facet('train', ...args, '--test-features', join(dir, 'f.npy'), '--test-labels', join(dir, 'l.meta'), '--out', join(dir, 'run2'));
  assert.equal(withTest.status, 0, withTest.stderr);
  const result = JSON.parse(readFileSync(join(dir, 'run2', 'result.json'), 'utf8'));
  assert.ok([1, 2].includes(result.validationSelected.epoch));
  assert.equal(typeof result.validationSelected.test['recall@1'], 'number');
  assert.equal(typeof result.test['recall@1'], 'number');
  // the run's report shows the same test numbers for both epochs
  const html = readFileSync(join(dir, 'run2', 'report.html'), 'utf8');
  assert.ok(html.includes(`<td>${Number(result.test['recall@1']).toPrecision(4)}</td>`) || html.includes(`<td>${result.test['recall@1']}</td>`));
  assert.match(html, /validation-selected epoch \((1|2)\)/);
  // facet embed: the run's embeddings of the dataset, L2-normalised, one row per sample
  const emb = facet('embed', '--run', run, '--dataset', `features:${join(dir, 'f.npy')}`, '--labels', join(dir, 'l.meta'), '--split', 'train',
    '--out', join(dir, 'e.npy'), '--labels-out', join(dir, 'e.meta'));
  assert.equal(emb.status, 0, emb.stderr);
  const e = readFeatures(join(dir, 'e.npy'));
  assert.deepEqual([e.rows, e.cols], [n, 4]);
  for (let i = 0; i < n; i += 17) assert.ok(Math.abs(Math.hypot(...e.data.subarray(i * 4, i * 4 + 4)) - 1) < 1e-5);
  assert.deepEqual(readLabels(join(dir, 'e.meta')), labels);
  const badEmbed = facet('embed', '--run', join(dir, 'nowhere'), '--dataset', `features:${join(dir, 'f.npy')}`, '--labels', join(dir, 'l.meta'), '--split', 'train', '--out', join(dir, 'x.npy'));
  assert.notEqual(badEmbed.status, 0);
  assert.match(badEmbed.stderr, /no checkpoint.json there/);
  assert.ok(!existsSync(join(dir, 'x.npy')));
  const again = facet('train', ...args, '--resume', run);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').length, lines.length);
  // --resume with only the data and a new epoch count: the run's own settings (config.json) fill the rest,
  // not today's defaults (loss arcface, lr 1e-3, … would be refused by the checkpoint or change the run)
  const longer = facet('train', '--dataset', `features:${join(dir, 'f.npy')}`, '--labels', join(dir, 'l.meta'), '--epochs', '3', '--resume', run);
  assert.equal(longer.status, 0, longer.stderr);
  const third = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.kind === 'step' && l.epoch === 3);
  assert.equal(third.length, 4);
  assert.ok(third.every((l) => l.lr === 1e-2 && l.queue > 0), JSON.stringify(third[0]));
  assert.equal(JSON.parse(readFileSync(join(run, 'config.json'), 'utf8')).lr, 1e-2);
});

test('facet train: unknown dataset and negative queue size are refused with the option named', () => {
  const a = facet('train', '--dataset', 'imagenet');
  assert.notEqual(a.status, 0);
  assert.match(a.stderr, /unknown dataset "imagenet"/);
  const b = facet('train', '--dataset', 'fashion-mnist', '--queue-size', '-3');
  assert.notEqual(b.status, 0);
  assert.match(b.stderr, /--queue-size must be a non-negative integer, got "-3"/);
});

test('Ctrl-C (SIGINT) during training saves a checkpoint and exits with 130, so that `train && embed` stops', async () => {
  const { spawn } = await import('node:child_process');
  const dir = tempDir('facet-train-int-');
  const r = new Random(5);
  const n = 400, d = 8;
  writeFeatures(join(dir, 'f.npy'), { data: Float32Array.from({ length: n * d }, () => r.normal()), rows: n, cols: d });
  writeLabels(join(dir, 'l.meta'), Int32Array.from({ length: n }, (_, i) => i % 5));
  const run = join(dir, 'run');
  const child = spawn(process.execPath, [join(repoRoot, 'bin/facet.js'), 'train', '--dataset', `features:${join(dir, 'f.npy')}`, '--labels', join(dir, 'l.meta'),
    '--epochs', '1000', '--batch-size', '8', '--val-fraction', '0', '--out', run], { env: { ...process.env, FACET_QUIET: '1' } });
  let stdout = '';
  child.stdout.on('data', (b) => { stdout += b; });
  const metrics = join(run, 'metrics.jsonl');
  while (!(existsSync(metrics) && readFileSync(metrics, 'utf8').length > 0)) await new Promise((res) => setTimeout(res, 50));
  child.kill('SIGINT');
  const code = await new Promise((res) => child.on('exit', res));
  assert.equal(code, 130);
  assert.equal(JSON.parse(stdout.trim().split('\n').at(-1)!).interrupted, true);
  const ckpt = JSON.parse(readFileSync(join(run, 'checkpoint.json'), 'utf8'));
  assert.ok(ckpt.globalStep >= 1 && ckpt.epoch < 1000);
});

test('facet train on an image-folder dataset decodes and augments batches from disk (small CNN at --image-size), with a class-disjoint validation split', async () => {
  const sharp = (await import('sharp')).default;
  const { mkdirSync } = await import('node:fs');
  const dir = tempDir('facet-train-folder-');
  const r = new Random(6);
  for (let c = 0; c < 6; c++) {
    mkdirSync(join(dir, 'imgs', `class${c}`), { recursive: true });
    for (let i = 0; i < 5; i++) {
      const px = Buffer.from(Uint8Array.from({ length: 20 * 20 * 3 }, (_, k) => (k % 3 === c % 3 ? 200 : 30) + Math.floor(r.next() * 40)));
      await sharp(px, { raw: { width: 20, height: 20, channels: 3 } }).png().toFile(join(dir, 'imgs', `class${c}`, `${i}.png`));
    }
  }
  const run = join(dir, 'run');
  const res = facet('train', '--dataset', `folder:${join(dir, 'imgs')}`, '--model', 'small-cnn', '--image-size', '16', '--epochs', '2', '--batch-size', '8',
    '--val-fraction', '0.34', '--embedding-size', '8', '--scale', '16', '--lr', '1e-2', '--out', run);
  assert.equal(res.status, 0, res.stderr);
  const out = JSON.parse(readFileSync(join(run, 'result.json'), 'utf8'));
  assert.equal(out.numClasses, 4);
  assert.equal(out.trainSamples, 20);
  assert.equal(typeof out.lastEpoch.val['recall@1'], 'number');
  const steps = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.kind === 'step');
  assert.equal(steps.length, 6);
  assert.ok(steps.every((s) => Number.isFinite(s.loss)));
  const limited = facet('train', '--dataset', `folder:${join(dir, 'imgs')}`, '--limit', '5', '--out', join(dir, 'x'));
  assert.notEqual(limited.status, 0);
  assert.match(limited.stderr, /--limit applies to in-memory datasets/);
});
