import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFeatures, writeLabels } from '../../src/data/files/index.js';
import { Random } from '../../src/data/random.js';
import { repoRoot } from '../helpers/golden.js';

const facet = (...args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/facet.js'), ...args], {
  encoding: 'utf8', env: { ...process.env, FACET_QUIET: '1' },
});

/** n rows of d-dim features in `classes` separable classes (row i is class i % classes). */
function dataset(dir: string, n: number, d: number, classes: number, labelOf = (i: number) => i % classes): { f: string; l: string } {
  const r = new Random(4);
  const data = Float32Array.from({ length: n * d }, (_, i) => (Math.floor(i / d) % classes % d === i % d ? 3 : 0) + r.normal() * 0.3);
  const f = join(dir, 'f.npy'), l = join(dir, 'l.meta');
  writeFeatures(f, { data, rows: n, cols: d });
  writeLabels(l, Int32Array.from({ length: n }, (_, i) => labelOf(i)));
  return { f, l };
}

function tempDir(t: { after: (f: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'facet-train-input-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const small = ['--epochs', '1', '--batch-size', '20', '--lr', '1e-2', '--scale', '16', '--embedding-size', '4', '--backend', 'cpu'];

test('a run\'s config.json fed back with --config reproduces the run', (t) => {
  const dir = tempDir(t);
  const { f, l } = dataset(dir, 60, 6, 6);
  const a = facet('train', '--dataset', `features:${f}`, '--labels', l, ...small, '--hidden', '8', '--recall', '1,2', '--out', join(dir, 'A'));
  assert.equal(a.status, 0, a.stderr);
  const config = JSON.parse(readFileSync(join(dir, 'A', 'config.json'), 'utf8'));
  assert.equal(config.dataset, `features:${f}`);
  assert.equal(config['batch-size'], 20);
  assert.deepEqual(config.recall, [1, 2]);
  const b = facet('train', '--config', join(dir, 'A', 'config.json'), '--out', join(dir, 'B'));
  assert.equal(b.status, 0, b.stderr);
  const numbers = (run: string) => {
    const r = JSON.parse(readFileSync(join(dir, run, 'result.json'), 'utf8'));
    return { lastEpoch: { ...r.lastEpoch, seconds: 0, samplesPerSecond: 0 }, validationSelected: r.validationSelected, numClasses: r.numClasses };
  };
  assert.deepEqual(numbers('B'), numbers('A'));
});
