import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkPage, haveChromium } from '../../helpers/browser.js';
import { tempDir } from '../../helpers/temp.js';
import { facet, writeGrid } from './grid-fixture.js';

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

test('facet compare: a 2-variant × 2-seed grid makes four normal run folders and writes comparison.json and report.html; re-entering runs nothing again', async (t) => {
  const dir = tempDir('facet-compare-');
  const gridPath = writeGrid(dir, { n: 160, epochs: 2, seeds: [3, 7], variants: [{ name: 'arcface' }, { name: 'broadface', options: { 'queue-size': 40 } }] });
  const out = join(dir, 'grid');
  const res = facet('compare', gridPath, '--out', out);
  assert.equal(res.status, 0, res.stderr);
  // progress over the whole grid, seed by seed
  assert.match(res.stderr, /run 1\/4: arcface seed 3; 0\/4 runs done, ETA after the first run/);
  assert.match(res.stderr, /run 2\/4: broadface seed 3; 1\/4 runs done, ETA \d+ s/);
  assert.match(res.stderr, /broadface seed 7: finished after [\d.]+ s; 4\/4 runs done, none left/);
  const c = json(join(out, 'comparison.json'));
  assert.deepEqual([c.done, c.total, c.level], [4, 4, 0.95]);
  assert.deepEqual(c.runs.map((r: { folder: string; status: string }) => `${r.folder} ${r.status}`), ['arcface/seed-3 finished', 'broadface/seed-3 finished', 'arcface/seed-7 finished', 'broadface/seed-7 finished']);
  assert.ok(c.runs.every((r: { wallSeconds: number }) => r.wallSeconds > 0));
  // each run is what `facet train` writes, with the variant's options and the grid's seed in its config.json
  for (const v of ['arcface', 'broadface']) for (const seed of [3, 7]) {
    const cfg = json(join(out, v, `seed-${seed}`, 'config.json'));
    assert.equal(cfg.seed, seed);
    assert.equal(cfg['queue-size'], v === 'broadface' ? 40 : 0);
    assert.equal(cfg.epochs, 2);
  }
  // the table: per-seed values are the runs' result.json numbers; mean, sd (n − 1) and the paired interval by hand
  assert.deepEqual(c.metrics.map((m: { metric: string }) => m.metric), ['test.recall@1', 'test.mapAtR']);
  for (const m of c.metrics) {
    const key = m.metric.slice('test.'.length);
    const values = (v: string) => [3, 7].map((s) => json(join(out, v, `seed-${s}`, 'result.json')).test[key] as number);
    const [a, b] = [values('arcface'), values('broadface')];
    const [ra, rb] = m.variants;
    assert.deepEqual(ra.perSeed, [{ seed: 3, value: a[0] }, { seed: 7, value: a[1] }]);
    assert.ok(Math.abs(ra.mean - (a[0] + a[1]) / 2) < 1e-12);
    assert.ok(Math.abs(ra.sd - Math.abs(a[0] - a[1]) / Math.SQRT2) < 1e-12);
    assert.equal(ra.difference, null);
    const d = [b[0] - a[0], b[1] - a[1]];
    const meanD = (d[0] + d[1]) / 2, sdD = Math.abs(d[0] - d[1]) / Math.SQRT2;
    // t.975 with 1 degree of freedom
    const half = 12.706204736174694 * sdD / Math.SQRT2;
    assert.deepEqual(rb.difference.seeds, [3, 7]);
    assert.ok(Math.abs(rb.difference.mean - meanD) < 1e-12);
    assert.ok(Math.abs(rb.difference.interval[0] - (meanD - half)) < 1e-9 && Math.abs(rb.difference.interval[1] - (meanD + half)) < 1e-9);
    assert.equal(rb.difference.reference, 'arcface');
  }
  assert.match(res.stdout, /4 of 4 runs finished\ntest\.recall@1\n {2}arcface {4}[\d.]+ ± [\d.]+ \(2 seeds\) {2}\(reference\)\n {2}broadface {2}[\d.]+ ± [\d.]+ \(2 seeds\) {2}Δ [+-][\d.]+ \[[+-][\d.]+, [+-][\d.]+\] over 2 paired seeds/);

  // the report, in the real browser: no errors, the tables, the curves of every run and the wall times drawn
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.match(html, /<th>95 % interval of Δ<\/th>/);
  assert.match(html, /<th>seed 3<\/th><th>seed 7<\/th>/);
  if (!haveChromium()) t.diagnostic('chromium not installed: browser check skipped');
  else {
    const page = await checkPage(join(out, 'report.html'), join(dir, 'report.png'));
    assert.deepEqual(page.consoleErrors, []);
    assert.equal(page.svgCount, 3, 'validation Recall@1, validation MAP@R, wall time per run');
    assert.ok(page.svgSizes.every((s) => s.width > 300 && s.height > 200), JSON.stringify(page.svgSizes));
    assert.match(page.title, /facet compare: arcface vs broadface/);
    assert.match(page.text, /Wall time per run/);
    assert.match(page.text, /broadface\t2\t[\d.]+ ± [\d.]+/);
  }

  // re-entering the finished grid runs nothing again
  const mtimes = () => ['arcface', 'broadface'].flatMap((v) => [3, 7].map((s) => statSync(join(out, v, `seed-${s}`, 'result.json')).mtimeMs));
  const before = mtimes();
  const again = facet('compare', gridPath, '--out', out);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stderr, /4 of 4 runs already finished: skipped/);
  assert.doesNotMatch(again.stderr, /run \d\/4/);
  assert.deepEqual(mtimes(), before);
  assert.deepEqual(json(join(out, 'comparison.json')).metrics, c.metrics);

  // a variant whose options changed since its runs would mix two settings in one row: refused, naming it
  const grid = json(gridPath);
  grid.variants[1].options['queue-size'] = 60;
  writeFileSync(gridPath, JSON.stringify(grid));
  const changed = facet('compare', gridPath, '--out', out);
  assert.equal(changed.status, 1);
  assert.match(changed.stderr, /variant "broadface" has other options than its runs in .*broadface .*give the variant a new name, or start again with --overwrite/);
  assert.deepEqual(mtimes(), before);
  // a folder of another kind of run is refused as the grid's folder
  const other = facet('compare', gridPath, '--out', join(out, 'arcface', 'seed-3'));
  assert.equal(other.status, 1);
  assert.match(other.stderr, /--out .*seed-3 holds another run \(config\.json, checkpoint\.json, report\.html\)/);
});
