import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { readFeatures, writeFeatures, writeLabels } from '../../src/data/files/index.js';
import { Random } from '../../src/data/random.js';
import { repoRoot } from '../helpers/golden.js';
import { tempDir } from '../helpers/temp.js';

const { onnx } = onnxProto;
const facet = (...args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/facet.js'), ...args], {
  encoding: 'utf8', env: { ...process.env, FACET_QUIET: '1' },
});

test('facet export of a trained run, then facet embed --onnx gives facet embed --run\'s .npy; bad options are refused by name', (t) => {
  const dir = tempDir('facet-export-cli-');
  const r = new Random(8);
  const n = 90, d = 6;
  writeFeatures(join(dir, 'f.npy'), { data: Float32Array.from({ length: n * d }, () => r.normal()), rows: n, cols: d });
  writeLabels(join(dir, 'l.meta'), Int32Array.from({ length: n }, (_, i) => i % 6));
  const data = ['--dataset', `features:${join(dir, 'f.npy')}`, '--labels', join(dir, 'l.meta')];
  const run = join(dir, 'run');
  const trained = facet('train', ...data, '--hidden', '8', '--epochs', '1', '--batch-size', '30', '--embedding-size', '5', '--val-fraction', '0.34', '--out', run);
  assert.equal(trained.status, 0, trained.stderr);

  const model = join(dir, 'model.onnx');
  // the checkpoint records the input shape: no --dataset needed
  const ex = facet('export', '--run', run, '--out', model);
  assert.equal(ex.status, 0, ex.stderr);
  assert.deepEqual(JSON.parse(ex.stdout), { out: model, model: 'mlp', epoch: 1, inputShape: ['batch', 6], embeddingDim: 5, bytes: readFileSync(model).length });
  const meta = Object.fromEntries(onnx.ModelProto.decode(readFileSync(model)).metadataProps.map((p) => [p.key, p.value]));
  assert.equal(meta['facet.input_layout'], 'NC');
  assert.equal(meta['facet.input_normalization'], 'none: the feature rows as given');
  assert.equal(meta['facet.version'], '0.1.0');

  const byRun = facet('embed', '--run', run, ...data, '--split', 'train', '--out', join(dir, 'run.npy'));
  assert.equal(byRun.status, 0, byRun.stderr);
  const byOnnx = facet('embed', '--onnx', model, ...data, '--split', 'train', '--out', join(dir, 'onnx.npy'));
  assert.equal(byOnnx.status, 0, byOnnx.stderr);
  assert.equal(JSON.parse(byOnnx.stdout).dim, 5);
  const a = readFeatures(join(dir, 'run.npy')), b = readFeatures(join(dir, 'onnx.npy'));
  assert.deepEqual([b.rows, b.cols], [n, 5]);
  const diff = a.data.reduce((m, v, i) => Math.max(m, Math.abs(v - b.data[i])), 0);
  assert.ok(diff < 1e-4, `max |onnx − run| = ${diff}`);

  const both = facet('embed', '--onnx', model, '--run', run, ...data, '--out', join(dir, 'x.npy'));
  assert.notEqual(both.status, 0);
  assert.match(both.stderr, /give exactly one of --run RUN or --onnx MODEL\.onnx/);
  writeFileSync(join(dir, 'other.npy'), readFileSync(join(dir, 'f.npy')));
  const wrongFile = facet('embed', '--onnx', join(dir, 'other.npy'), ...data, '--split', 'train', '--out', join(dir, 'x.npy'));
  assert.match(wrongFile.stderr, /other\.npy: not an ONNX model/);
  assert.ok(!existsSync(join(dir, 'x.npy')));
  const unknown = facet('export', '--run', run, '--dataset', 'imagenet', '--out', join(dir, 'x.onnx'));
  assert.match(unknown.stderr, /--dataset: unknown dataset "imagenet"/);
  const badEpoch = facet('export', '--run', run, '--dataset', `features:${join(dir, 'f.npy')}`, '--epoch', 'first', '--out', join(dir, 'x.onnx'));
  assert.match(badEpoch.stderr, /--epoch: best or last, got "first"/);
  const noRun = facet('export', '--run', join(dir, 'nowhere'), '--dataset', `features:${join(dir, 'f.npy')}`, '--out', join(dir, 'x.onnx'));
  assert.match(noRun.stderr, /no checkpoint.json there/);
  assert.ok(!existsSync(join(dir, 'x.onnx')));
});
