import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLabels } from '../../src/data/files/index.js';
import { repoRoot } from '../helpers/golden.js';
import { checkPage, haveChromium } from '../helpers/browser.js';

const dir = mkdtempSync(join(tmpdir(), 'facet-demo-'));
const out = join(dir, 'run');
const res = spawnSync(process.execPath, [join(repoRoot, 'bin/facet.js'), 'demo', '--out', out, '--ids', '40', '--images', '2400', '--dim', '64', '--k', '10'], { encoding: 'utf8' });

test('facet demo writes the run folder and prints the numbers the run recorded', () => {
  assert.equal(res.status, 0, res.stderr);
  for (const f of ['config.json', 'metrics.jsonl', 'features.bin', 'labels.meta', 'faiss_k_10.npz', 'pseudo_labels.txt', 'pseudo_labels_clean.txt', 'summary.json', 'report.html']) {
    assert.ok(existsSync(join(out, f)), f);
  }
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  const printedF = Number(/BCubed F ([\d.]+)/.exec(res.stdout)![1]);
  assert.equal(printedF, Number(summary.all.bcubed.fscore.toFixed(4)));
  // the pseudo-labels cover every item, the clean file drops exactly the singleton clusters
  const labels = readLabels(join(out, 'pseudo_labels.txt'));
  const clean = readLabels(join(out, 'pseudo_labels_clean.txt'));
  assert.equal(labels.length, 2400);
  const counts = new Map<number, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  for (let i = 0; i < labels.length; i++) assert.equal(clean[i] === -1, labels[i] === -1 || counts.get(labels[i]) === 1);
  assert.equal(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).seed, 0);
  // the report shows the same headline numbers
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.ok(html.includes(`<td>${summary.all.bcubed.fscore.toPrecision(4)}</td>`));
});

test('the demo report opens in chromium with its plots drawn and no errors', { skip: !haveChromium() && 'chromium not installed' }, async () => {
  const seen = await checkPage(join(out, 'report.html'), join(out, 'report.png'));
  assert.deepEqual(seen.consoleErrors, []);
  assert.ok(seen.svgCount >= 5);
  for (const s of seen.svgSizes) assert.ok(s.width > 100 && s.height > 100);
  assert.match(seen.text, /Pseudo-label quality/);
});

test('the same seed gives the same pseudo-labels', () => {
  const again = join(dir, 'again');
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin/facet.js'), 'demo', '--out', again, '--ids', '40', '--images', '2400', '--dim', '64', '--k', '10'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(readLabels(join(again, 'pseudo_labels.txt')), readLabels(join(out, 'pseudo_labels.txt')));
});
