import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { synthFaces } from '../../src/data/synth/synth-faces.js';
import { exactKnn } from '../../src/knn/exact.js';
import { writeKnnLearnToCluster, writeKnnNaan, writeLabels, type KnnGraph } from '../../src/data/files/index.js';
import { infomap } from '../../src/cluster/infomap.js';
import { infomapOnKnn } from '../../src/cluster/infomap-knn.js';
import { infomapStatus } from '../../src/cluster/infomap-status.js';
import { knnRowLinks } from '../../src/cluster/knn-row-links.js';
import { clusteringMetrics } from '../../src/eval/clustering-metrics.js';
import { repoRoot } from '../helpers/golden.js';
import { tempDir } from '../helpers/temp.js';

/**
 * A kNN graph of groups of consecutive nodes: each row lists the other members of its group at
 * similarity 0.9 (padded with −1), plus the given one-way extra neighbours [row, neighbour, similarity].
 */
function groupKnn(sizes: number[], extra: [number, number, number][]): KnnGraph {
  const n = sizes.reduce((a, b) => a + b, 0);
  const k = Math.max(...sizes) + 1;
  const indices = new Int32Array(n * k).fill(-1), distances = new Float32Array(n * k).fill(1);
  const col = new Int32Array(n);
  const add = (i: number, j: number, sim: number) => { indices[i * k + col[i]] = j; distances[i * k + col[i]++] = 1 - sim; };
  for (let i = 0; i < n; i++) add(i, i, 1);
  for (let g = 0, start = 0; g < sizes.length; start += sizes[g++]) {
    for (let a = start; a < start + sizes[g]; a++) for (let b = start; b < start + sizes[g]; b++) if (a !== b) add(a, b, 0.9);
  }
  for (const [i, j, s] of extra) add(i, j, s);
  return { n, k, indices, distances };
}

const groupLabels = (sizes: number[]) => Int32Array.from(sizes.flatMap((s, g) => Array<number>(s).fill(g)));

test('directed Infomap on each row\'s links finds the planted groups, one-way links across them cut (exact labels); undirected too', () => {
  const sizes = [5, 6, 7];
  // above the threshold, so Infomap sees them; a group's last row points into the next group (the last into the first)
  const g = groupKnn(sizes, [[4, 5, 0.6], [10, 11, 0.6], [17, 0, 0.6]]);
  assert.equal(knnRowLinks(g, 0.58).scores.length, 4 * 5 + 5 * 6 + 6 * 7 + 3);
  assert.deepEqual(infomapOnKnn(g, 0.58, { directed: true }), groupLabels(sizes));
  assert.deepEqual(infomapOnKnn(g, 0.58, { directed: false }), groupLabels(sizes));
});

// overlapping identities (loose spread, 8-d): the partition is not obvious, so seed and flow model can matter
const hard = synthFaces({ ids: 30, images: 400, dim: 8, seed: 4, spread: [0.9, 1.3] });
const hardKnn = exactKnn(hard.features, 11);

test('directed Infomap is reproducible per seed, and the flow model reaches Infomap: the same links undirected give another partition', () => {
  const a = infomapOnKnn(hardKnn, 0.3, { directed: true, seed: 5 });
  assert.deepEqual(infomapOnKnn(hardKnn, 0.3, { directed: true, seed: 5 }), a);
  assert.ok(new Set(a).size > 1 && new Set(a).size < 400, `${new Set(a).size} clusters`);
  assert.notDeepEqual(infomap(400, knnRowLinks(hardKnn, 0.3), { seed: 5, directed: false }), a);
});

test('directed and undirected Infomap both recover well-separated identities (BCubed F > 0.95)', () => {
  const data = synthFaces({ ids: 40, images: 600, dim: 32, seed: 1, spread: [0.6, 0.8] });
  const knn = exactKnn(data.features, 11);
  for (const directed of [true, false]) {
    const m = clusteringMetrics(data.labels, infomapOnKnn(knn, 0.58, { directed }));
    assert.ok(m.bcubed.fscore > 0.95, `directed ${directed}: BCubed F ${m.bcubed.fscore}`);
  }
});

test('infomapOnKnn: a threshold ≤ 0 is an error naming --threshold, directed or not', () => {
  assert.throws(() => infomapOnKnn(hardKnn, 0, { directed: true }), /infomap: --threshold must be above 0.*got 0/);
  assert.throws(() => infomapOnKnn(hardKnn, -0.1, { directed: false }), /--threshold must be above 0/);
});

test('Infomap reports what it is doing while it runs: network size, trial, iterations, then writing the modules', () => {
  const seen: string[] = [];
  const links = knnRowLinks(hardKnn, 0.3);
  infomap(400, links, { seed: 0, directed: true, onStatus: (t) => seen.push(t) });
  assert.ok(seen.every((t) => t.startsWith(`400 nodes, ${links.scores.length} directed links: `)), seen[0]);
  const texts = [...new Set(seen.map((t) => t.slice(t.indexOf(': ') + 2)))];
  assert.equal(texts[0], 'reading the network');
  assert.ok(texts.some((t) => /^trial 1\/1, iteration 1: \d+ modules, codelength [\d.]+$/.test(t)), texts.join(' / '));
  assert.equal(texts.at(-1), 'writing the modules');
});

test('infomapStatus reads Infomap\'s --verbose lines (2.15.1\'s wording)', () => {
  const read = infomapStatus();
  assert.equal(read('    parsing links'), 'reading the links');
  assert.equal(read('Flow'), 'computing the flow');
  assert.equal(read('  Model                         directed'), undefined);
  assert.equal(read('Trial 1/3 started 2026-12-01 14:08:21'), 'trial 1/3');
  assert.equal(read('    iter 2: codelength 0.480769 + 6.97749 = 7.45825547 -> 0.480392 + 6.97786 = 7.45825445, 1448 modules (1442 non-trivial); passes (nodes*loops): 1450*1, 1448*0, 1448*0'),
    'trial 1/3, iteration 2: 1448 modules, codelength 7.45825445');
  assert.equal(read('Done trial 1/3 in 15.3112789s | codelength 7.45702161'), 'trial 1/3 done, codelength 7.45702161');
  assert.equal(read('Summary after 3 trials'), 'writing the modules');
});

test('facet cluster baseline --method infomap --directed: report says directed, progress lines on stderr (none with FACET_QUIET); --directed elsewhere is an error naming it', () => {
  const dir = tempDir('facet-infomap-directed-');
  const s = synthFaces({ ids: 10, images: 100, dim: 8, seed: 2, spread: [0.6, 1] });
  const f = (name: string) => join(dir, name);
  writeKnnLearnToCluster(f('knn.npz'), exactKnn(s.features, 9));
  writeKnnNaan(f('knn.npy'), exactKnn(s.features, 9));
  writeLabels(f('labels.txt'), s.labels);
  const facet = (env: Record<string, string>, ...args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/facet.js'), 'cluster', 'baseline', ...args], { encoding: 'utf8', env: { ...process.env, FACET_QUIET: '', ...env } });
  const common = ['--knn', f('knn.npz'), '--labels', f('labels.txt')];

  const r = facet({ FACET_PROGRESS_INTERVAL_MS: '0' }, '--method', 'infomap', '--directed', ...common, '--out', f('dir'));
  assert.equal(r.status, 0, r.stderr);
  const printed = JSON.parse(r.stdout.trim().split('\n').pop()!);
  const report = JSON.parse(readFileSync(f('dir/report.json'), 'utf8'));
  assert.equal(printed.directed, true);
  assert.equal(report.directed, true);
  assert.equal(printed.bcubedF, report.metrics.all.bcubed.fscore);
  assert.ok(printed.bcubedF > 0.5, `BCubed F ${printed.bcubedF}`);
  const lines = r.stderr.trim().split('\n');
  assert.match(lines[0], /^infomap \| 100 nodes, \d+ directed links: reading the network \| \d+ s$/);
  assert.ok(lines.some((l) => / trial 1\/1, iteration 1: /.test(l)), r.stderr);
  assert.match(lines.at(-1)!, /: writing the modules \| \d+ s$/);

  const quiet = facet({ FACET_QUIET: '1' }, '--method', 'infomap', ...common, '--out', f('quiet'));
  assert.equal(quiet.status, 0, quiet.stderr);
  assert.equal(quiet.stderr, '');
  assert.equal(JSON.parse(quiet.stdout.trim()).directed, undefined);

  for (const [args, message] of [
    [['--method', 'cdp', '--directed'], /^facet: --directed applies to --method infomap only.*not cdp/],
    [['--method', 'infomap', '--directed', '--k', '3'], /^facet: --directed uses every column of the kNN file: --k does not apply/],
    [['--method', 'infomap', '--directed', '--tune-knn', f('knn.npz'), '--tune-labels', f('labels.txt')], /^facet: --directed does not combine with --tune-knn\/--tune-labels/],
  ] as [string[], RegExp][]) {
    const bad = facet({ FACET_QUIET: '1' }, ...args, ...common, '--out', f('bad'));
    assert.equal(bad.status, 1, args.join(' '));
    assert.match(bad.stderr, message);
  }
  const npy = facet({ FACET_QUIET: '1' }, '--method', 'infomap', '--directed', '--knn', f('knn.npy'), '--out', f('bad'));
  assert.equal(npy.status, 1);
  assert.match(npy.stderr, /^facet: baseline infomap: .*knn\.npy holds no distances/);
});
