import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFeatures, writeLabels } from '../../../src/data/files/index.js';
import { synthFaces } from '../../../src/data/synth/synth-faces.js';
import { tempDir } from '../../helpers/temp.js';
import { facet } from './grid-fixture.js';

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

test('a grid of facet semi runs: the loop\'s evaluation.json gives the numbers, stages.json says a run is finished', () => {
  const dir = tempDir('facet-compare-semi-');
  const faces = synthFaces({ ids: 90, images: 2200, dim: 24, seed: 3 });
  writeFeatures(join(dir, 'f.npy'), faces.features);
  writeLabels(join(dir, 'l.meta'), faces.labels);
  const gridPath = join(dir, 'grid.yaml');
  writeFileSync(gridPath, `command: semi
base: { dataset: "features:${join(dir, 'f.npy')}", labels: "${join(dir, 'l.meta')}", labelled-fraction: 0.3, hidden: 64, embedding-size: 16, epochs: 3, batch-size: 64,
  lr: 3e-3, knn-k: 21, scorer: cosine }
variants: [{ name: cosine }]
seeds: [2]
metrics: [after.recall@1, gain]
`);
  const out = join(dir, 'grid');
  const res = facet('compare', gridPath, '--out', out);
  assert.equal(res.status, 0, res.stderr);
  const run = join(out, 'cosine', 'seed-2');
  const ev = json(join(run, 'evaluation.json'));
  const c = json(join(out, 'comparison.json'));
  assert.deepEqual(c.metrics.map((m: { variants: { perSeed: unknown }[] }) => m.variants[0].perSeed), [[{ seed: 2, value: ev.after['recall@1'] }], [{ seed: 2, value: ev.gain }]]);
  assert.equal(json(join(run, 'config.json')).seed, 2);
  // the retraining's validation curve is drawn
  assert.match(readFileSync(join(out, 'report.html'), 'utf8'), /validation Recall@1 per epoch, every run/);
  const mtime = statSync(join(run, 'summary.json')).mtimeMs;
  const again = facet('compare', gridPath, '--out', out);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stderr, /1 of 1 runs already finished: skipped/);
  assert.equal(statSync(join(run, 'summary.json')).mtimeMs, mtime);
});
