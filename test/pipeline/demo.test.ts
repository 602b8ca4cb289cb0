import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { GLYPH_FONT_PACKAGES, debianVersion } from '../../src/data/glyphs/packages.js';
import { repoRoot } from '../helpers/golden.js';
import { tempDir } from '../helpers/temp.js';

const fontsMissing = GLYPH_FONT_PACKAGES.map((p) => p.pkg).filter((p) => !debianVersion(p));

test('the install script installs every font package the demo renders its classes from', () => {
  const script = readFileSync(join(repoRoot, 'scripts/install-system-deps.sh'), 'utf8');
  for (const { pkg } of GLYPH_FONT_PACKAGES) assert.match(script, new RegExp(`\\b${pkg}\\b`), pkg);
});

// a tiny demo with the demo's defaults: --scorer auto races the pseudo-labellers on its held-out validation classes
test('facet demo: renders its glyph classes, runs the whole loop and prints the numbers of its report', { skip: fontsMissing.length > 0 && `fonts missing: ${fontsMissing.join(' ')} (scripts/install-system-deps.sh)` }, () => {
  const out = join(tempDir('facet-demo-'), 'run');
  const res = spawnSync(process.execPath, [join(repoRoot, 'bin/facet.js'), 'demo', '--out', out, '--characters', '160', '--labelled-fraction', '0.3',
    '--epochs', '4', '--max-test-classes', '40', '--val-fraction', '0.2', '--naan-max-steps', '20'], { encoding: 'utf8', env: { ...process.env, FACET_QUIET: '1' } });
  assert.equal(res.status, 0, res.stderr);
  const manifest = JSON.parse(readFileSync(join(out, 'glyphs', 'manifest.json'), 'utf8'));
  assert.ok(manifest.classes > 100 && manifest.classes <= 160, `${manifest.classes} classes`);
  assert.ok(manifest.imagesPerClass.min >= 15);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  assert.match(res.stdout, new RegExp(`supervised only ${summary.before.toFixed(2)}% → after pseudo-labelling ${summary.after.toFixed(2)}%`));
  // MAP@R next to Recall@1 (Recall@1 saturates on the demo's glyphs)
  assert.match(res.stdout, new RegExp(`MAP@R on held-out classes: ${summary.mapAtRBefore.toFixed(2)} → ${summary.mapAtRAfter.toFixed(2)}`));
  assert.match(res.stdout, new RegExp(`report: ${summary.report.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  const html = readFileSync(summary.report, 'utf8');
  // image inputs: the report shows pseudo-clusters as thumbnails
  assert.match(html, /<img src="data:image\/png;base64,/);
  assert.ok(existsSync(join(out, 'retrain', 'checkpoint.json')));
  const selection = JSON.parse(readFileSync(join(out, 'pseudo', 'selection.json'), 'utf8'));
  assert.equal(summary.pseudoLabeller, selection.winner);
  assert.match(res.stdout, new RegExp(`pseudo-labels by ${selection.winner.replace('+', '\\+')}: BCubed F ${summary.pseudoBcubedF.toFixed(4)}`));
});
