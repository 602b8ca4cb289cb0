import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { readFeatures, readLabels, writeVerificationBin } from '../../../src/data/files/index.js';
import { repoRoot } from '../../helpers/golden.js';
import { tempDir } from './fixtures.js';

const facet = (...args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/facet.js'), ...args], { encoding: 'utf8', env: { ...process.env, FACET_QUIET: '1' } });

test('facet data pack → data check → train --dataset insightface:DIR runs a real short training', async (t) => {
  const dir = tempDir('if-cli');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // 6 identities × 4 photos, 40×36 JPEGs: each identity a colour, each photo a brightness
  for (let c = 0; c < 6; c++) {
    for (let i = 0; i < 4; i++) {
      const path = join(dir, 'photos', `person_${c}`, `${i}.jpg`);
      mkdirSync(join(path, '..'), { recursive: true });
      await sharp({ create: { width: 40, height: 36, channels: 3, background: { r: c * 40, g: 255 - c * 40, b: 60 * i } } }).jpeg().toFile(path);
    }
  }
  const out = join(dir, 'rec');
  const pack = facet('data', 'pack', `folder:${join(dir, 'photos')}`, '--out', out, '--image-size', '32');
  assert.equal(pack.status, 0, pack.stderr);
  assert.deepEqual(JSON.parse(pack.stdout), { out, classes: 6, images: 24, reencoded: 24, size: 32 });
  assert.deepEqual(readdirSync(out).sort(), ['property', 'train.idx', 'train.rec']);
  const check = facet('data', 'check', `insightface:${out}`, '--json');
  assert.equal(check.status, 0, check.stderr);
  assert.deepEqual(JSON.parse(check.stdout), { dataset: `insightface:${out}`, splits: { train: { classes: 6, images: 24 } }, problems: [] });

  // a verification set of the same faces, as arcface_torch's lfw.bin: 12 pairs, same and different alternating
  const photo = (c: number, i: number) => readFileSync(join(dir, 'photos', `person_${c}`, `${i}.jpg`));
  const faces: Uint8Array[] = [];
  const issame: boolean[] = [];
  for (let p = 0; p < 12; p++) {
    const c = p % 6;
    faces.push(await sharp(photo(c, 0)).resize(32, 32).jpeg().toBuffer(), await sharp(photo(p % 2 === 0 ? c : (c + 1) % 6, 1 + (p % 3))).resize(32, 32).jpeg().toBuffer());
    issame.push(p % 2 === 0);
  }
  writeVerificationBin(join(dir, 'faces.bin'), faces, issame);
  const run = join(dir, 'run');
  const tr = facet('train', '--dataset', `insightface:${out}`, '--epochs', '1', '--batch-size', '8', '--val-fraction', '0.34', '--embedding-size', '16',
    '--verify', join(dir, 'faces.bin'), '--out', run);
  assert.equal(tr.status, 0, tr.stderr);
  const result = JSON.parse(readFileSync(join(run, 'result.json'), 'utf8'));
  assert.deepEqual([result.numClasses, result.trainSamples], [4, 16], '2 of 6 classes held out for validation');
  const { config, sampleShape, imageNormalization } = JSON.parse(readFileSync(join(run, 'checkpoint.json'), 'utf8'));
  assert.deepEqual([config.model, config.embeddingDim], ['small-cnn', 16]);
  // what a verification set or an export of this run must feed it: 32×32 RGB scaled as arcface_torch
  assert.deepEqual([sampleShape, imageNormalization], [[32, 32, 3], 'unit']);
  const steps = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.kind === 'step');
  assert.equal(steps.length, 2);
  assert.ok(steps.every((s) => Number.isFinite(s.loss) && s.loss > 0), 'finite losses');
  assert.equal(typeof result.lastEpoch.val['recall@1'], 'number');
  // arcface_torch's per-epoch verification: the epoch's row and the report's plot
  const v = result.lastEpoch.verify.faces;
  assert.ok(v.accuracy >= 0 && v.accuracy <= 1 && v.best === v.accuracy, JSON.stringify(v));
  assert.match(readFileSync(join(run, 'report.html'), 'utf8'), /verification \(insightface \.bin, Accuracy-Flip/);

  // the rest of the face workflow: embed the packed faces by the run, export it, embed them again by onnxruntime
  const emb = facet('embed', '--run', run, '--dataset', `insightface:${out}`, '--split', 'train', '--out', join(dir, 'e.npy'), '--labels-out', join(dir, 'l.txt'));
  assert.equal(emb.status, 0, emb.stderr);
  const e = readFeatures(join(dir, 'e.npy'));
  assert.deepEqual([e.rows, e.cols], [24, 16]);
  for (let r = 0; r < e.rows; r++) {
    const norm = Math.hypot(...e.data.subarray(r * 16, (r + 1) * 16));
    assert.ok(Math.abs(norm - 1) < 1e-5, `row ${r} is unit length`);
  }
  assert.deepEqual([...readLabels(join(dir, 'l.txt'))], Array.from({ length: 24 }, (_, i) => Math.floor(i / 4)));
  const ex = facet('export', '--run', run, '--out', join(dir, 'm.onnx'));
  assert.equal(ex.status, 0, ex.stderr);
  const viaOnnx = facet('embed', '--onnx', join(dir, 'm.onnx'), '--dataset', `insightface:${out}`, '--split', 'train', '--out', join(dir, 'o.npy'));
  assert.equal(viaOnnx.status, 0, viaOnnx.stderr);
  const o = readFeatures(join(dir, 'o.npy')).data;
  assert.ok(e.data.every((v, i) => Math.abs(v - o[i]) < 1e-4), 'onnxruntime embeds the packed faces as facet does');

  const sized = facet('train', '--dataset', `insightface:${out}`, '--image-size', '64', '--epochs', '1', '--out', join(dir, 'run2'));
  assert.notEqual(sized.status, 0);
  assert.match(sized.stderr, /--image-size does not apply to insightface:.*property/);
  const missing = facet('data', 'check', `insightface:${join(dir, 'nowhere')}`, '--json');
  assert.equal(missing.status, 1);
  assert.match(JSON.parse(missing.stdout).problems[0], /missing folder: .*nowhere/);
  const notFolder = facet('data', 'pack', `insightface:${out}`, '--out', join(dir, 'x'));
  assert.notEqual(notFolder.status, 0);
  assert.match(notFolder.stderr, /facet data pack packs image files \(folder:PATH\)/);
});

test('facet semi runs the loop on an insightface .rec set (decoded whole, in memory), classes by the records\' labels', async (t) => {
  const dir = tempDir('if-semi');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // 30 identities × 6 photos of 16×16: each identity a colour, each photo a brightness
  for (let c = 0; c < 30; c++) {
    for (let i = 0; i < 6; i++) {
      const path = join(dir, 'photos', `p${String(c).padStart(2, '0')}`, `${i}.jpg`);
      mkdirSync(join(path, '..'), { recursive: true });
      await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: (c * 37) % 256, g: (c * 91) % 256, b: 40 * i } } }).jpeg().toFile(path);
    }
  }
  const rec = join(dir, 'rec');
  assert.equal(facet('data', 'pack', `folder:${join(dir, 'photos')}`, '--out', rec, '--image-size', '16').status, 0);
  const run = join(dir, 'run');
  const semi = facet('semi', '--dataset', `insightface:${rec}`, '--labelled-fraction', '0.4', '--test-fraction', '0.3', '--epochs', '1', '--batch-size', '16',
    '--embedding-size', '8', '--knn-k', '5', '--naan-sample-hops', '4', '--scorer', 'cosine', '--out', run);
  assert.equal(semi.status, 0, semi.stderr);
  const split = JSON.parse(readFileSync(join(run, 'split.json'), 'utf8'));
  assert.equal(split.labelledClasses + split.unlabelledClasses + split.testClasses, 30);
  assert.equal(split.labelledRows.length + split.unlabelledRows.length + split.testRows.length, 180);
  const evaluation = JSON.parse(readFileSync(join(run, 'evaluation.json'), 'utf8'));
  assert.equal(evaluation.testImages, split.testRows.length);
  assert.ok(evaluation.before['recall@1'] >= 0 && evaluation.after['recall@1'] >= 0);
});
