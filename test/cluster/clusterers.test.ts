import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { synthFaces } from '../../src/data/synth/synth-faces.js';
import { exactKnn } from '../../src/knn/exact.js';
import { readLabels, writeKnnLearnToCluster } from '../../src/data/files/index.js';
import { clusterBaseline } from '../../src/cluster/baselines.js';
import { clusterer, clustererNames, graphClusterer, registerClusterer } from '../../src/cluster/clusterers.js';
import type { GraphClusterer } from '../../src/cluster/clusterer.js';
import { registerCluster } from '../../src/cli/cluster.js';
import { thresholdComponents } from '../../src/cluster/threshold.js';
import { knnEdges } from '../../src/cluster/knn-edges.js';
import { cdpPropagation, NAAN_PROPAGATION, propagate } from '../../src/cluster/propagation.js';
import { cosineScorer } from '../../src/cluster/edge-scorer.js';
import { labelByPropagation, writeLabelling } from '../../src/cluster/label-by-propagation.js';
import { tempDir } from '../helpers/temp.js';

const data = synthFaces({ ids: 10, images: 80, dim: 16, seed: 2, spread: [0.6, 0.8] });
const knn = exactKnn(data.features, 6);

/** A clusterer written in the test: each node its own cluster, whatever the edges. */
const everyNodeAlone: GraphClusterer = {
  name: 'every-node-alone', summary: 'each node its own cluster', input: 'graph', defaultThreshold: 0.5,
  run: (numNodes) => Int32Array.from({ length: numNodes }, (_, i) => i),
};

test('the registry holds the four methods, with the papers\' default thresholds', () => {
  assert.deepEqual(clustererNames().slice(0, 4), ['threshold', 'cdp', 'chinese-whispers', 'kmeans']);
  assert.deepEqual(['threshold', 'cdp', 'chinese-whispers'].map((m) => graphClusterer(m).defaultThreshold), [0.7, 0.66, 0.6]);
  assert.equal(clusterer('kmeans').input, 'features');
  assert.throws(() => clusterer('louvain'), /--method must be one of threshold, cdp, chinese-whispers, kmeans.*got "louvain"/);
  assert.throws(() => graphClusterer('kmeans'), /kmeans clusters features, not a graph/);
});

test('a clusterer added with one registerClusterer call runs through facet cluster baseline (library path, CLI entry, help)', async () => {
  registerClusterer(everyNodeAlone);
  assert.throws(() => registerClusterer(everyNodeAlone), /"every-node-alone" is already registered/);
  const expected = Int32Array.from({ length: data.features.rows }, (_, i) => i);
  assert.deepEqual(clusterBaseline('every-node-alone', knn, undefined), expected);

  const dir = tempDir('facet-clusterers-');
  const knnFile = join(dir, 'knn.npz'), out = join(dir, 'out');
  writeKnnLearnToCluster(knnFile, knn);
  const program = new Command('facet').exitOverride();
  registerCluster(program);
  const baseline = program.commands.find((c) => c.name() === 'cluster')!.commands.find((c) => c.name() === 'baseline')!;
  assert.match(baseline.helpInformation(), /every-node-alone/);
  const write = process.stdout.write;
  let printed = '';
  process.stdout.write = ((s: string) => { printed += s; return true; }) as typeof process.stdout.write;
  try {
    await program.parseAsync(['cluster', 'baseline', '--method', 'every-node-alone', '--knn', knnFile, '--out', out], { from: 'user' });
  } finally {
    process.stdout.write = write;
  }
  assert.deepEqual(readLabels(join(out, 'labels.txt')), expected);
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  assert.equal(report.method, 'every-node-alone');
  assert.equal(report.threshold, 0.5);
  assert.equal(report.numSingletons, data.features.rows);
  assert.equal(JSON.parse(printed).clusters, data.features.rows);
});

test('thresholdComponents: components over edges ≥ threshold, numbered by first appearance; nodes in no such edge −1', () => {
  const e = { edges: Int32Array.from([3, 4, 0, 1, 1, 2, 4, 5]), scores: Float32Array.from([0.8, 0.9, 0.5, 0.7]) };
  assert.deepEqual(thresholdComponents(7, e, 0.6), Int32Array.from([0, 0, -1, 1, 1, 1, -1]));
  assert.deepEqual(thresholdComponents(7, e, 0.5), Int32Array.from([0, 0, 0, 1, 1, 1, -1]));
  assert.deepEqual(thresholdComponents(3, e, 0.95).slice(0, 3), Int32Array.from([-1, -1, -1]));
});

test('labelByPropagation: the cosine scorer propagates with the CDP preset, overrides win; its files load back', () => {
  const cosine = knnEdges(knn);
  const l = labelByPropagation(data.features, knn, cosineScorer, { truth: data.labels });
  assert.deepEqual(l.propagation.labels, cdpPropagation(data.features.rows, cosine.edges, cosine.scores).labels);
  assert.equal(l.report.numClusters, l.propagation.numClusters);
  assert.equal(l.report.metrics!.all.numPredClusters, l.report.numClusters);
  const naanLike = labelByPropagation(data.features, knn, cosineScorer, { propagation: { startThreshold: NAAN_PROPAGATION.startThreshold, step: 0.6, maxSize: 5 } });
  assert.deepEqual(naanLike.options, { maxSize: 5, step: 0.6, maxIter: 100, startThreshold: 0.8 });
  assert.deepEqual(naanLike.propagation.labels, propagate(data.features.rows, cosine.edges, cosine.scores, naanLike.options).labels);
  const out = join(tempDir('facet-labelling-'), 'pseudo');
  writeLabelling(out, l, { method: 'test' });
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  assert.equal(report.scorer, 'cosine');
  assert.equal(report.method, 'test');
  assert.equal(report.numEdges, cosine.scores.length);
  assert.deepEqual(readLabels(join(out, 'labels.txt')), l.propagation.labels);
});
