import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFeatures, readLabels } from '../../../src/data/files/index.js';
import { repoRoot } from '../../helpers/golden.js';
import { synthFaces } from '../../../src/data/synth/synth-faces.js';
import { tempDir } from '../../helpers/temp.js';

function synth(out: string, seed: string) {
  return spawnSync(process.execPath, [join(repoRoot, 'bin/facet.js'), 'data', 'synth-faces', '--ids', '30', '--images', '2040', '--dim', '32', '--seed', seed, '--out', out], { encoding: 'utf8' });
}

test('facet data synth-faces writes .bin, .meta and a manifest with the kNN precision profile; same seed, same bytes', () => {
  const root = tempDir('facet-synth-');
  const r = synth(join(root, 'a'), '7');
  assert.equal(r.status, 0, r.stderr);
  const f = readFeatures(join(root, 'a/features.bin'), { dim: 32 });
  const labels = readLabels(join(root, 'a/labels.meta'));
  assert.equal(f.rows, 2040);
  assert.equal(labels.length, 2040);
  assert.equal(new Set(labels).size, 30);
  const m = JSON.parse(readFileSync(join(root, 'a/manifest.json'), 'utf8'));
  assert.equal(m.identitySize.mean, 68);
  for (const k of [1, 10, 80]) assert.ok(m.knnPrecision[`precision@${k}`] > 0 && m.knnPrecision[`precision@${k}`] <= 1, `precision@${k}`);
  assert.ok(m.knnPrecision['precision@80'] < m.knnPrecision['precision@1']);
  assert.equal(synth(join(root, 'b'), '7').status, 0);
  assert.deepEqual(readFileSync(join(root, 'b/features.bin')), readFileSync(join(root, 'a/features.bin')));
  assert.equal(synth(join(root, 'c'), '8').status, 0);
  assert.notDeepEqual(readFileSync(join(root, 'c/features.bin')), readFileSync(join(root, 'a/features.bin')));
});

test('facet data synth-faces refuses fewer images than identities', () => {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin/facet.js'), 'data', 'synth-faces', '--ids', '10', '--images', '5', '--out', join(tmpdir(), 'x')], { encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /at least one image per identity \(ids 10, images 5\)/);
});

test('synth-faces nuisance directions: labels and sizes unchanged, rows unit-norm, and without the option the stream is the default one', () => {
  const plain = synthFaces({ ids: 5, images: 40, dim: 8, seed: 4 });
  const noOp = synthFaces({ ids: 5, images: 40, dim: 8, seed: 4, nuisance: undefined });
  const nu = synthFaces({ ids: 5, images: 40, dim: 8, seed: 4, nuisance: { directions: 3, scale: 0.8 } });
  assert.deepEqual(noOp.features.data, plain.features.data);
  assert.deepEqual(nu.labels, plain.labels);
  assert.deepEqual(nu.sizes, plain.sizes);
  assert.notDeepEqual(nu.features.data, plain.features.data);
  for (let i = 0; i < 40; i++) {
    let n = 0;
    for (let j = 0; j < 8; j++) n += nu.features.data[i * 8 + j] ** 2;
    assert.ok(Math.abs(n - 1) < 1e-5);
  }
  assert.throws(() => synthFaces({ ids: 5, images: 40, dim: 8, nuisance: { directions: 0, scale: 1 } }), /nuisance directions must be a positive integer/);
});

test('synth-faces nuisance directions are shared by splits of different identity seeds (one face model), not by another nuisance seed', () => {
  // scale ≫ identity signal: every row is ≈ one of the two nuisance directions
  const gen = (seed: number, nuisanceSeed?: number) => synthFaces({ ids: 4, images: 20, dim: 16, seed, spread: [0.1, 0.1], nuisance: { directions: 2, scale: 100, seed: nuisanceSeed } }).features.data;
  const nearest = (a: Float32Array, b: Float32Array) => {
    let worst = 1;
    for (let i = 0; i < 20; i++) {
      let best = -1;
      for (let j = 0; j < 20; j++) {
        let d = 0;
        for (let c = 0; c < 16; c++) d += a[i * 16 + c] * b[j * 16 + c];
        best = Math.max(best, d);
      }
      worst = Math.min(worst, best);
    }
    return worst;
  };
  assert.ok(nearest(gen(1), gen(2)) > 0.99);
  assert.ok(nearest(gen(1), gen(2, 5)) < 0.9);
});

test('facet data synth-faces --spread and --nuisance reach the generator and the manifest; a bad pair is refused', () => {
  const root = tempDir('facet-synth-');
  const args = (out: string, extra: string[]) => [join(repoRoot, 'bin/facet.js'), 'data', 'synth-faces', '--ids', '10', '--images', '200', '--dim', '16', '--seed', '3', '--out', out, ...extra];
  const r = spawnSync(process.execPath, args(join(root, 'n'), ['--spread', '0.5,1', '--nuisance', '4,0.8']), { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const m = JSON.parse(readFileSync(join(root, 'n/manifest.json'), 'utf8'));
  assert.deepEqual(m.spread, [0.5, 1]);
  assert.deepEqual(m.nuisance, [4, 0.8]);
  const direct = synthFaces({ ids: 10, images: 200, dim: 16, seed: 3, spread: [0.5, 1], nuisance: { directions: 4, scale: 0.8 } });
  assert.deepEqual(readFeatures(join(root, 'n/features.bin'), { dim: 16 }).data, direct.features.data);
  const bad = spawnSync(process.execPath, args(join(root, 'b'), ['--spread', '1,0.5']), { encoding: 'utf8' });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /--spread must be two non-negative numbers "a,b" with a ≤ b, got "1,0.5"/);
});
