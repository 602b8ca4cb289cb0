import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFeatures, readLabels } from '../../../src/data/files/index.js';
import { repoRoot } from '../../helpers/golden.js';

function synth(out: string, seed: string) {
  return spawnSync(process.execPath, [join(repoRoot, 'bin/facet.js'), 'data', 'synth-faces', '--ids', '30', '--images', '2040', '--dim', '32', '--seed', seed, '--out', out], { encoding: 'utf8' });
}

test('facet data synth-faces writes .bin, .meta and a manifest with the kNN precision profile; same seed, same bytes', () => {
  const root = mkdtempSync(join(tmpdir(), 'facet-synth-'));
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
