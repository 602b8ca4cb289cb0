import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { readFeatures, writeNpz } from '../../src/data/files/index.js';
import { readVerificationBin, writeVerificationBin } from '../../src/data/files/verification-bin.js';
import { Random } from '../../src/data/random.js';
import { embed } from '../../src/models/embedding-model.js';
import { loadTrainedModel } from '../../src/train/trained-model.js';
import { evaluateVerification } from '../../src/eval/verification.js';
import { formatVerification } from '../../src/eval/format.js';
import { loadVerificationSet, modelInput } from '../../src/train/verification-sets.js';
import { loadVerificationSets } from '../../src/train/verify-hook.js';
import { checkPage, haveChromium } from '../helpers/browser.js';
import { repoRoot } from '../helpers/golden.js';
import { tempDir } from '../helpers/temp.js';

const facet = (...args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/facet.js'), ...args], {
  encoding: 'utf8', env: { ...process.env, FACET_QUIET: '1' },
});
const lastJson = (out: string) => JSON.parse(out.trim().split('\n').at(-1)!);

const S = 16;
/**
 * A tiny glyphs dataset (the in-memory grey set facet trains on quickly): classes 0–3 train, 4–7
 * test (glyphs splits by the first half of the classes). The test images, in file order, form 12
 * pairs for a .bin: even pairs of one class, odd pairs of two.
 */
function glyphs(dir: string): { testImages: Uint8Array[]; issame: boolean[] } {
  const r = new Random(3);
  const pattern = (c: number) => Uint8Array.from({ length: S * S }, (_, k) => ((k % S) * (c + 1) + Math.floor(k / S) * (7 - c)) % 17 < 6 ? 220 : 20);
  const noisy = (c: number) => Uint8Array.from(pattern(c), (v) => Math.max(0, Math.min(255, v + Math.round(r.normal() * 40))));
  const labels: number[] = [];
  for (let c = 0; c < 4; c++) for (let i = 0; i < 6; i++) labels.push(c);
  const issame: boolean[] = [];
  for (let p = 0; p < 12; p++) {
    const a = 4 + (p % 4);
    const b = p % 2 === 0 ? a : 4 + ((p + 1) % 4);
    labels.push(a, b);
    issame.push(a === b);
  }
  const images = labels.map(noisy);
  const data = new Uint8Array(labels.length * S * S);
  images.forEach((im, i) => data.set(im, i * S * S));
  writeNpz(join(dir, 'glyphs.npz'), {
    images: { dtype: 'uint8', shape: [labels.length, S, S], data },
    labels: { dtype: 'int32', shape: [labels.length], data: Int32Array.from(labels) },
  });
  return { testImages: images.slice(24), issame };
}

const png = (px: Uint8Array, size = S) => sharp(Buffer.from(px), { raw: { width: S, height: S, channels: 1 } })
  .resize(size, size, { kernel: 'nearest' }).png().toBuffer().then((b) => new Uint8Array(b));

test('facet train --verify and facet eval verification --bin: the accuracy of the run\'s own embeddings, the flip rule, per-epoch entries, the report plot', async (t) => {
  const dir = tempDir('facet-vbin-e2e-');
  const { testImages, issame } = glyphs(dir);
  const bin = join(dir, 'glyph_pairs.bin');
  writeVerificationBin(bin, await Promise.all(testImages.map((im) => png(im))), issame);
  const run = join(dir, 'run');
  // the sets as a list in --config (the command line's comma form is used below)
  writeFileSync(join(dir, 'run.yaml'), `verify:\n  - ${bin}\nselect-by: verify\n`);
  const tr = facet('train', '--dataset', 'glyphs', '--root', dir, '--model', 'small-cnn', '--epochs', '3', '--batch-size', '6', '--embedding-size', '8',
    '--scale', '16', '--lr', '1e-2', '--val-fraction', '0.25', '--config', join(dir, 'run.yaml'), '--out', run);
  assert.equal(tr.status, 0, tr.stderr);

  // per epoch: verify entries, best = the highest so far
  const epochs = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.kind === 'epoch');
  assert.equal(epochs.length, 3);
  let highest = -Infinity;
  for (const e of epochs) {
    const v = e.verify.glyph_pairs;
    assert.ok(v.accuracy >= 0 && v.accuracy <= 1 && v.std >= 0, JSON.stringify(v));
    highest = Math.max(highest, v.accuracy);
    assert.equal(v.best, highest);
    assert.equal(typeof e.val.mapAtR, 'number');
  }
  // --select-by verify: the first epoch of the highest mean accuracy
  const result = JSON.parse(readFileSync(join(run, 'result.json'), 'utf8'));
  const selected = epochs.find((e) => e.verify.glyph_pairs.accuracy === highest).epoch;
  assert.equal(result.validationSelected.epoch, selected);
  assert.equal(result.validationSelected['verify meanAccuracy'], highest);

  // eval --bin: exactly evaluateVerification of the run's own embeddings (facet embed) of the same images
  const emb = facet('embed', '--run', run, '--dataset', 'glyphs', '--root', dir, '--split', 'test', '--out', join(dir, 'e.npy'));
  assert.equal(emb.status, 0, emb.stderr);
  writeFileSync(join(dir, 'pairs.txt'), issame.map((s, p) => `${2 * p} ${2 * p + 1} ${s ? 1 : 0}`).join('\n') + '\n');
  const fromFiles = facet('eval', 'verification', '--embeddings', join(dir, 'e.npy'), '--pairs', join(dir, 'pairs.txt'), '--json');
  assert.equal(fromFiles.status, 0, fromFiles.stderr);
  const fromBin = facet('eval', 'verification', '--bin', bin, '--run', run, '--flip', '--json');
  assert.equal(fromBin.status, 0, fromBin.stderr);
  const a = lastJson(fromFiles.stdout);
  const { accuracyFlip, stdFlip, model, resized, ...b } = lastJson(fromBin.stdout);
  assert.deepEqual(b, a);
  assert.equal(resized, 0);
  assert.match(model, /epoch 3/);

  // the flip rule, computed directly: each row's embedding plus its mirrored image's, then the same evaluation
  const { model: net } = loadTrainedModel(run, undefined, 'last');
  const n = testImages.length;
  const mirrored = new Float32Array(n * S * S);
  testImages.forEach((im, i) => { for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) mirrored[i * S * S + y * S + x] = im[y * S + (S - 1 - x)] / 127.5 - 1; });
  // the command's input: the decoded .bin, mirrored and scaled as the grey training sets (x/127.5 − 1)
  assert.deepEqual(modelInput(await loadVerificationSet(bin, [S, S, 1]), 0, n, true, 'unit'), mirrored);
  const ef = embed(net, mirrored, n);
  const e = readFeatures(join(dir, 'e.npy')).data;
  const sum = Float32Array.from(ef, (v, i) => v + e[i]);
  const pairs = { idx1: Int32Array.from(issame, (_, p) => 2 * p), idx2: Int32Array.from(issame, (_, p) => 2 * p + 1), same: Uint8Array.from(issame, Number) };
  const direct = evaluateVerification({ data: sum, rows: n, cols: 8 }, pairs);
  assert.equal(accuracyFlip, direct.accuracy);
  assert.equal(stdFlip, direct.std);
  // the last epoch's training entry is the same number (Accuracy-Flip of the same parameters)
  assert.equal(epochs[2].verify.glyph_pairs.accuracy, accuracyFlip);

  // the run's ONNX export: it declares its input (16×16 grey, checkpoint-recorded) and its scaling, so
  // `--onnx` feeds it what `--run` feeds the run and the numbers are the same
  const onnx = join(dir, 'model.onnx');
  const ex = facet('export', '--run', run, '--out', onnx);
  assert.equal(ex.status, 0, ex.stderr);
  assert.deepEqual(lastJson(ex.stdout).inputShape, ['batch', S, S, 1]);
  const viaOnnx = facet('eval', 'verification', '--bin', bin, '--onnx', onnx, '--flip', '--json');
  assert.equal(viaOnnx.status, 0, viaOnnx.stderr);
  const o = lastJson(viaOnnx.stdout);
  assert.deepEqual([o.accuracy, o.accuracyFlip, o.model], [a.accuracy, accuracyFlip, onnx]);
  const both = facet('eval', 'verification', '--bin', bin, '--onnx', onnx, '--run', run);
  assert.match(both.stderr, /--run DIR or --onnx MODEL\.onnx \(one of them\)/);

  // images of another size are resized to the model's input (and counted); the table shows the flip accuracy
  const big = join(dir, 'big.bin');
  writeVerificationBin(big, await Promise.all(testImages.map((im) => png(im, 2 * S))), issame);
  const bigSet = await loadVerificationSet(big, [S, S, 1]);
  assert.equal(bigSet.resized, n);
  assert.equal(bigSet.pixels.length, n * S * S);
  assert.match(formatVerification({ ...direct, accuracyFlip, stdFlip }), /10-fold accuracy \(flip\)\s+\d+\.\d\d ± \d+\.\d\d/);

  // report.html: the verification curve, drawn
  const html = readFileSync(join(run, 'report.html'), 'utf8');
  assert.match(html, /verification \(insightface \.bin, Accuracy-Flip; the mean selects the epoch\)/);
  assert.ok(html.includes(`verification-selected epoch (${selected})`));
  if (haveChromium()) {
    const seen = await checkPage(join(run, 'report.html'), join(dir, 'report.png'));
    assert.deepEqual(seen.consoleErrors, []);
    assert.ok(seen.text.includes('Accuracy-Flip'));
    assert.ok(seen.svgSizes.length >= 5 && seen.svgSizes.every((s) => s.width > 100 && s.height > 50), JSON.stringify(seen.svgSizes));
  }

  // bad input: each refused with the file or option named, a bad --verify before any training step
  const truncated = join(dir, 'trunc.bin');
  writeFileSync(truncated, readFileSync(bin).subarray(0, 200));
  const mismatch = join(dir, 'mismatch.bin');
  // (list of 3 one-byte images, [True]) as a protocol-4 pickle, by hand: facet's writer refuses to write it
  writeFileSync(mismatch, Buffer.from([0x80, 4, 0x5d, 0x28, 0x43, 1, 97, 0x43, 1, 98, 0x43, 1, 99, 0x65, 0x5d, 0x88, 0x61, 0x86, 0x2e]));
  const broken = join(dir, 'broken.bin');
  writeVerificationBin(broken, [new Uint8Array([1, 2, 3]), ...(await Promise.all(testImages.slice(1).map((im) => png(im))))], issame);
  for (const [file, re] of [
    [join(dir, 'missing.bin'), /missing\.bin: cannot read the verification set \(ENOENT\)/],
    [broken, /broken\.bin: image 0: unreadable image/],
    [mismatch, /mismatch\.bin: not an insightface verification \.bin: 3 images for 1 pairs/],
  ] as const) await assert.rejects(loadVerificationSet(file, [S, S, 1]), re);
  await assert.rejects(loadVerificationSets([bin, bin], [S, S, 1]), /have the same name "glyph_pairs"/);
  const allSame = join(dir, 'all_same.bin');
  writeVerificationBin(allSame, testImages.slice(0, 4).map(() => readVerificationBin(bin).images[0]), [true, true]);
  await assert.rejects(loadVerificationSet(allSame, [S, S, 1]), /all_same\.bin: needs both same and different pairs \(2 of 2 are same\)/);
  const few = join(dir, 'few.bin');
  writeVerificationBin(few, readVerificationBin(bin).images.slice(0, 8), issame.slice(0, 4));
  await assert.rejects(loadVerificationSets([few], [S, S, 1]), /--verify .*few\.bin: 4 pairs; the 10-fold accuracy needs at least 10/);
  await assert.rejects(loadVerificationSet(bin, [8]), /verification needs an image model/);
  // through the commands: one line naming the file, no stack trace; a bad --verify stops before any training step
  const evalBad = facet('eval', 'verification', '--bin', truncated, '--run', run);
  assert.notEqual(evalBad.status, 0);
  assert.match(evalBad.stderr, /trunc\.bin: not a readable insightface verification \.bin pickle: truncated/);
  assert.doesNotMatch(evalBad.stderr, /\n\s+at /);
  const noRun = facet('eval', 'verification', '--bin', bin, '--flip');
  assert.match(noRun.stderr, /--bin needs the model that embeds its images: --run DIR/);
  const out = join(dir, 'not-started');
  const trainBad = facet('train', '--dataset', 'glyphs', '--root', dir, '--model', 'small-cnn', '--verify', `${bin},${mismatch}`, '--out', out);
  assert.notEqual(trainBad.status, 0);
  assert.match(trainBad.stderr, /mismatch\.bin: not an insightface verification \.bin: 3 images for 1 pairs/);
  assert.ok(!existsSync(join(out, 'metrics.jsonl')), 'no training started');
  const noSets = facet('train', '--dataset', 'glyphs', '--root', dir, '--select-by', 'verify', '--out', join(dir, 'x'));
  assert.match(noSets.stderr, /--select-by verify needs --verify FILES/);
});
