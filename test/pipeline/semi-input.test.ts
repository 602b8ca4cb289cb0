import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeFeatures, writeLabels } from '../../src/data/files/index.js';
import { makeSplit } from '../../src/pipeline/semi/data.js';
import type { SemiOptions } from '../../src/pipeline/semi/options.js';
import { repoRoot } from '../helpers/golden.js';
import { tempDir } from '../helpers/temp.js';

const facet = (...args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/facet.js'), ...args], { encoding: 'utf8', env: { ...process.env, FACET_QUIET: '1' } });

test('semi split: −1 rows are in no part and are counted', () => {
  const n = 400;
  const labels = Int32Array.from({ length: n }, (_, i) => (i % 7 === 0 ? -1 : i % 20));
  const data = { train: { x: new Float32Array(n), n, sampleShape: [1], labels } };
  const o = { seed: 1, testFraction: 0.3, labelledFraction: 0.3, knnK: 5 } as SemiOptions;
  const split = makeSplit(o, data);
  for (const rows of [split.labelledRows, split.unlabelledRows, split.testRows]) assert.ok(rows.every((r) => labels[r] !== -1));
  assert.equal(split.labelledRows.length + split.unlabelledRows.length + split.testRows.length, n - split.unlabelledIgnored);
  assert.equal(split.unlabelledIgnored, Math.ceil(n / 7));
  assert.equal(split.labelledClasses + split.unlabelledClasses + split.testClasses, 20);
});

test('facet semi checks --knn-k and --naan-sample-hops before the first expensive step, naming both', (t) => {
  const dir = tempDir('facet-semi-input-');
  const n = 200, d = 4;
  writeFeatures(join(dir, 'f.bin'), { data: Float32Array.from({ length: n * d }, (_, i) => Math.sin(i)), rows: n, cols: d });
  writeLabels(join(dir, 'l.meta'), Int32Array.from({ length: n }, (_, i) => i % 20));
  const base = ['--dataset', `features:${join(dir, 'f.bin')}`, '--dim', '4', '--labels', join(dir, 'l.meta'), '--out', join(dir, 'run')];
  const hops = facet('semi', ...base, '--knn-k', '10');
  assert.match(hops.stderr, /--naan-sample-hops 30: must be < --knn-k 10/);
  const big = facet('semi', ...base, '--knn-k', '5000');
  assert.match(big.stderr, /--knn-k 5000: must be smaller than the \d+ labelled training rows/);
  const margin = facet('semi', ...base, '--margin', '2');
  assert.match(margin.stderr, /--margin: 2: ArcFace margins are meaningful/);
  assert.ok(!existsSync(join(dir, 'run', 'supervised')), 'trained before refusing');
});
