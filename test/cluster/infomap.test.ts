import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { synthFaces } from '../../src/data/synth/synth-faces.js';
import { exactKnn } from '../../src/knn/exact.js';
import { readLabels, writeKnnLearnToCluster, writeLabels } from '../../src/data/files/index.js';
import { infomap, infomapClusterer } from '../../src/cluster/infomap.js';
import { clusterBaseline } from '../../src/cluster/baselines.js';
import { graphClusterer } from '../../src/cluster/clusterers.js';
import type { ScoredEdges } from '../../src/cluster/knn-edges.js';
import { clusteringMetrics } from '../../src/eval/clustering-metrics.js';
import { repoRoot } from '../helpers/golden.js';
import { tempDir } from '../helpers/temp.js';

/** Every pair inside each group of consecutive nodes at `score`, plus the given extra edges. */
function cliques(sizes: number[], score: number, extra: [number, number, number][] = []): ScoredEdges {
  const edges: number[] = [], scores: number[] = [];
  for (let g = 0, start = 0; g < sizes.length; start += sizes[g++]) {
    for (let a = start; a < start + sizes[g]; a++) for (let b = a + 1; b < start + sizes[g]; b++) { edges.push(a, b); scores.push(score); }
  }
  for (const [a, b, s] of extra) { edges.push(a, b); scores.push(s); }
  return { edges: Int32Array.from(edges), scores: Float32Array.from(scores) };
}

const groupLabels = (sizes: number[]) => Int32Array.from(sizes.flatMap((s, g) => Array<number>(s).fill(g)));

test('infomap finds three cliques joined by weak edges (exact labels)', () => {
  const sizes = [5, 6, 7];
  // bridges above the default threshold 0.58, so Infomap sees them and has to cut them
  const g = cliques(sizes, 0.9, [[4, 5, 0.6], [10, 11, 0.6], [0, 17, 0.6]]);
  assert.deepEqual(infomapClusterer.run(18, g, infomapClusterer.defaultThreshold, {}), groupLabels(sizes));
});

test('the threshold drops edges: a weak triangle falls apart into singletons above its score', () => {
  const g = cliques([3, 3], 0.9);
  for (let e = 0; e < 3; e++) g.scores[e] = 0.5;
  assert.deepEqual(infomapClusterer.run(6, g, 0.4, {}), Int32Array.from([0, 0, 0, 1, 1, 1]));
  assert.deepEqual(infomapClusterer.run(6, g, 0.58, {}), Int32Array.from([0, 1, 2, 3, 3, 3]));
});

test('nodes in no edge are singletons, labels dense by first appearance; no edge at all: every node alone', () => {
  // node 0 and node 4 have no edge; nodes 1–3 and 5–7 are cliques
  const g = cliques([1, 3, 1, 3], 1);
  assert.deepEqual(infomap(8, g, { seed: 0 }), Int32Array.from([0, 1, 1, 1, 2, 3, 3, 3]));
  assert.deepEqual(infomap(4, { edges: new Int32Array(0), scores: new Float32Array(0) }, { seed: 0 }), Int32Array.from([0, 1, 2, 3]));
});

// overlapping identities (loose spread, 8-d): the partition is not obvious, so the seed could matter
const hard = synthFaces({ ids: 30, images: 400, dim: 8, seed: 4, spread: [0.9, 1.3] });
const hardKnn = exactKnn(hard.features, 11);

test('infomap is reproducible: the same seed gives the same labels', () => {
  const a = clusterBaseline('infomap', hardKnn, undefined, { threshold: 0.3, seed: 5 });
  assert.deepEqual(clusterBaseline('infomap', hardKnn, undefined, { threshold: 0.3, seed: 5 }), a);
  assert.equal(a.length, 400);
  assert.ok(new Set(a).size > 1 && new Set(a).size < 400, `${new Set(a).size} clusters`);
});

test('infomap: a threshold ≤ 0 or a bad seed is an error naming the option', () => {
  assert.throws(() => clusterBaseline('infomap', hardKnn, undefined, { threshold: 0 }), /infomap: --threshold must be above 0.*got 0/);
  assert.throws(() => clusterBaseline('infomap', hardKnn, undefined, { threshold: -0.5 }), /--threshold must be above 0.*got -0\.5/);
  assert.throws(() => clusterBaseline('infomap', hardKnn, undefined, { seed: -1 }), /infomap: --seed must be an integer in 0…4294967294, got -1/);
  assert.throws(() => clusterBaseline('infomap', hardKnn, undefined, { seed: 1.5 }), /--seed must be an integer.*got 1\.5/);
  assert.throws(() => infomap(2, { edges: Int32Array.from([0, 1]), scores: Float32Array.from([-0.2]) }, { seed: 0 }), /edge weights must be positive.*-0\.2.* for 0–1/);
});

test('infomap recovers well-separated identities at its default threshold (BCubed F > 0.95)', () => {
  assert.equal(graphClusterer('infomap').defaultThreshold, 0.58);
  const data = synthFaces({ ids: 40, images: 600, dim: 32, seed: 1, spread: [0.6, 0.8] });
  const labels = clusterBaseline('infomap', exactKnn(data.features, 11), undefined);
  const m = clusteringMetrics(data.labels, labels);
  // measured: BCubed F 0.988, pairwise F 0.993, 43 clusters for 40 identities (chinese-whispers at 0.58: 0.990)
  assert.ok(m.bcubed.fscore > 0.95, `BCubed F ${m.bcubed.fscore}`);
});

test('facet cluster baseline --method infomap writes the files the other methods write; tuned on a labelled split; bad --threshold', () => {
  const dir = tempDir('facet-infomap-cli-');
  const splits = { train: synthFaces({ ids: 10, images: 120, dim: 8, seed: 1, spread: [0.6, 1] }), test: synthFaces({ ids: 10, images: 100, dim: 8, seed: 2, spread: [0.6, 1] }) };
  for (const [name, s] of Object.entries(splits)) {
    writeKnnLearnToCluster(join(dir, `${name}_knn.npz`), exactKnn(s.features, 9));
    writeLabels(join(dir, `${name}.txt`), s.labels);
  }
  const f = (name: string) => join(dir, name);
  const facet = (...args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/facet.js'), 'cluster', 'baseline', ...args], { encoding: 'utf8', env: { ...process.env, FACET_QUIET: '1' } });
  const common = ['--knn', f('test_knn.npz'), '--labels', f('test.txt')];

  const cw = facet('--method', 'chinese-whispers', ...common, '--out', f('cw'));
  assert.equal(cw.status, 0, cw.stderr);
  const r = facet('--method', 'infomap', ...common, '--out', f('im'));
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(readdirSync(f('im')).sort(), readdirSync(f('cw')).sort());
  const printed = JSON.parse(r.stdout.trim().split('\n').pop()!);
  const report = JSON.parse(readFileSync(f('im/report.json'), 'utf8'));
  assert.equal(report.method, 'infomap');
  assert.equal(printed.threshold, 0.58);
  assert.equal(printed.bcubedF, report.metrics.all.bcubed.fscore);
  assert.equal(readLabels(f('im/labels.txt')).length, 100);
  assert.equal(readLabels(f('im/labels_clean.txt')).length, 100);
  assert.ok(printed.bcubedF > 0.5, `BCubed F ${printed.bcubedF}`);

  const tuned = facet('--method', 'infomap', ...common, '--out', f('im-tuned'), '--tune-knn', f('train_knn.npz'), '--tune-labels', f('train.txt'));
  assert.equal(tuned.status, 0, tuned.stderr);
  const t = JSON.parse(readFileSync(f('im-tuned/report.json'), 'utf8'));
  assert.equal(t.tuning.sweep.length, 19);
  assert.equal(t.threshold, t.tuning.threshold);
  assert.equal(Math.max(...t.tuning.sweep.map((s: [number, number]) => s[1])), t.tuning.bcubedF);

  const zero = facet('--method', 'infomap', ...common, '--out', f('im-zero'), '--threshold', '0');
  assert.equal(zero.status, 1);
  assert.match(zero.stderr, /^facet: infomap: --threshold must be above 0/);
});
