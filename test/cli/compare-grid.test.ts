import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readGrid } from '../../src/cli/compare-grid.js';
import { tempDir } from '../helpers/temp.js';
import { repoRoot } from '../helpers/golden.js';

const BASE = 'base:\n  dataset: features:f.npy\n  labels: l.meta\n  epochs: 2\n';

test('a YAML grid reads into its command, options, seeds and default metrics', () => {
  const dir = tempDir('facet-grid-');
  const path = join(dir, 'grid.yaml');
  writeFileSync(path, `${BASE}variants:\n  - name: arcface\n  - name: broadface-8000\n    options: { queue-size: 8000, compensate: true, recall: [1, 10] }\nseeds: [0, 1, 2]\n`);
  const g = readGrid(path);
  assert.equal(g.command, 'train');
  assert.deepEqual(g.seeds, [0, 1, 2]);
  assert.deepEqual(g.metrics, ['test.recall@1', 'test.mapAtR']);
  assert.deepEqual(g.variants, [{ name: 'arcface', options: {} }, { name: 'broadface-8000', options: { 'queue-size': 8000, compensate: true, recall: [1, 10] } }]);
  writeFileSync(path, `command: semi\n${BASE}  labelled-fraction: 0.2\nvariants: [{ name: naan }, { name: cosine, options: { scorer: cosine } }]\nseeds: [0]\n`);
  const s = readGrid(path);
  assert.equal(s.command, 'semi');
  assert.deepEqual(s.metrics, ['after.recall@1', 'after.mapAtR']);
});

test('bad grid files: one clear error naming the file and the key', () => {
  const dir = tempDir('facet-grid-bad-');
  const path = join(dir, 'g.yaml');
  const refused = (text: string, message: RegExp) => {
    writeFileSync(path, text);
    assert.throws(() => readGrid(path), (err: Error) => {
      assert.ok(err.message.includes(path), err.message);
      assert.match(err.message, message);
      return true;
    });
  };
  const variants = 'variants: [{ name: a }]\n';
  const seeds = 'seeds: [0, 1]\n';
  refused(`${BASE}${variants}${seeds}seed: [3]\n`, /"seed": unknown key \(a grid has command, base, variants, seeds, metrics\)/);
  refused(`command: knn\n${BASE}${variants}${seeds}`, /"command": one of train, semi, got "knn"/);
  refused(`base: [1, 2]\n${variants}${seeds}`, /"base": expected a mapping/);
  refused(`${BASE}${seeds}`, /"variants": expected a list of variants/);
  refused(`${BASE}variants: [{ name: a, option: {} }]\n${seeds}`, /variants\[0\]: "option": unknown key \(a variant has name, options\)/);
  refused(`${BASE}variants: [{ name: ../up }]\n${seeds}`, /variants\[0\]: "name": a folder name/);
  refused(`${BASE}variants: [{ name: report.html }]\n${seeds}`, /variants\[0\]: "name": "report\.html" is a file of the grid's folder/);
  refused(`${BASE}variants: [{ name: a }, { name: a }]\n${seeds}`, /"variants": the name "a" is used twice/);
  refused(`${BASE}${variants}seeds: []\n`, /"seeds": expected a list of integers, at least one/);
  refused(`${BASE}${variants}seeds: [0, 1.5]\n`, /"seeds": expected a list of integers/);
  refused(`${BASE}${variants}seeds: [4, 4]\n`, /"seeds": a seed is listed twice/);
  refused(`${BASE}${variants}${seeds}metrics: test.recall@1\n`, /"metrics": expected a list of paths into the run's result\.json/);
  // the options get exactly --config's checks: unknown options, wrong values, lists where the flag takes one value
  refused(`${BASE}variants: [{ name: a }, { name: b, options: { quue-size: 10 } }]\n${seeds}`, /: variant "b": unknown option "quue-size" for "facet train"/);
  refused(`${BASE}  epochs: many\n${variants}${seeds}`.replace('  epochs: 2\n', ''), /: base: "epochs": --epochs must be a positive integer, got "many"/);
  refused(`${BASE}variants: [{ name: a, options: { compensate: 1 } }]\n${seeds}`, /variant "a": "compensate": must be true or false/);
  refused(`${BASE}variants: [{ name: a, options: { lr: [1, 2] } }]\n${seeds}`, /variant "a": "lr": --lr must be a number, got "1,2"/);
  // what the grid sets itself for every run
  refused(`${BASE}  seed: 3\n${variants}${seeds}`, /base: "seed" is set by the grid for each run/);
  refused(`${BASE}variants: [{ name: a, options: { out: runs/x } }]\n${seeds}`, /variant "a": "out" is set by the grid/);
  refused(`base: { epochs: 2 }\n${variants}${seeds}`, /variant "a": the required option "dataset" of "facet train" is set neither in "base" nor in the variant/);
  refused(`command: semi\n${BASE}variants: [{ name: a, options: { queue-size: 5, naan-epochs: 0 } }]\n${seeds}`, /variant "a": "naan-epochs": --naan-epochs must be a positive integer, got "0"/);
  refused('base: {\n', /not valid YAML\/JSON/);
});

test('the grids the README runs (grids/*.yaml) pass every check: their options are the commands\' options today', () => {
  const files = readdirSync(join(repoRoot, 'grids')).filter((f) => f.endsWith('.yaml'));
  assert.ok(files.includes('demo-seeds.yaml') && files.includes('glyphs-broadface.yaml'), files.join(', '));
  for (const f of files) {
    const g = readGrid(join(repoRoot, 'grids', f));
    assert.ok(g.variants.length >= 1 && g.seeds.length >= 3, `${f}: ≥ 3 seeds`);
  }
  const broad = readGrid(join(repoRoot, 'grids', 'glyphs-broadface.yaml'));
  assert.deepEqual(broad.variants.map((v) => v.options), [{}, { 'queue-size': 32000 }, { 'queue-size': 32000, compensate: true }]);
});
