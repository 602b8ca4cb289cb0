import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectLabeller, type LabellerCandidate } from '../../src/cluster/labeller-selection.js';
import { labellerCandidates } from '../../src/cluster/labeller-candidates.js';
import { knnEdges } from '../../src/cluster/knn-edges.js';
import { CDP_PROPAGATION } from '../../src/cluster/propagation.js';
import { synthFaces } from '../../src/data/synth/synth-faces.js';
import { exactKnn } from '../../src/knn/exact.js';
import { clusteringMetrics } from '../../src/eval/clustering-metrics.js';

const fixed = (name: string, byThreshold: Record<number, number[]>): LabellerCandidate => ({
  name,
  settings: Object.keys(byThreshold).map((t) => ({ threshold: Number(t) })),
  run: (s) => Int32Array.from(byThreshold[s.threshold as number]),
});

test('the setting and the candidate with the best held-out BCubed F win; an all-singleton (NaN pairwise) trial is scored, never preferred to a real one', () => {
  // pool items 0, 1; held-out items 2, 3 (class 0) and 4, 5 (class 1)
  const held = [0, 0, 1, 1];
  const a = fixed('a', { 0.1: [0, 0, 0, 0, 0, 0], 0.5: [0, 1, 2, 2, 3, 3] });
  const b = fixed('b', { 0.2: [0, 1, 2, 3, 4, 5], 0.7: [0, 0, 1, 1, 1, 2] });
  const sel = selectLabeller([b, a], held);
  assert.equal(sel.winner.name, 'a');
  assert.deepEqual(sel.winner.best, { threshold: 0.5 });
  assert.equal(sel.winner.heldOut.bcubed.fscore, 1);
  assert.deepEqual(Array.from(sel.winner.labels), [0, 1, 2, 2, 3, 3]);
  const bResult = sel.candidates[0];
  assert.equal(bResult.trials.length, 2);
  assert.ok(Number.isNaN(bResult.trials[0].pairwiseF), 'all singletons: no predicted pair');
  assert.deepEqual(bResult.best, { threshold: 0.7 });
  // a setting whose labels are unusable is tried, never chosen; a candidate with no usable setting drops out
  const oneCluster = (l: Int32Array) => new Set(l).size > 1;
  const picky = selectLabeller([b, a], held, { usable: oneCluster });
  assert.deepEqual(picky.candidates.map((k) => k.name), ['b', 'a']);
  assert.equal(picky.candidates[1].trials[0].usable, false);
  assert.deepEqual(picky.candidates[1].best, { threshold: 0.5 });
  assert.throws(() => selectLabeller([a], held, { usable: () => false }), /no setting of any candidate \(a\) gave usable labels/);
  assert.throws(() => selectLabeller([], held), /no candidate/);
  assert.throws(() => selectLabeller([{ name: 'empty', settings: [], run: () => new Int32Array(6) }], held), /"empty" has no setting/);
});

// a pool of 60 identities and 20 held-out ones, of the same kind, in one kNN graph
const faces = synthFaces({ ids: 80, images: 2400, dim: 16, seed: 5, spread: [0.6, 1.0] });
const heldFrom = faces.labels.indexOf(60);
const graph = exactKnn(faces.features, 16);
const candidates = labellerCandidates(faces.labels.length, [{ name: 'cosine', edges: knnEdges(graph), preset: CDP_PROPAGATION, knn: graph }], { largestClass: 40, seed: 0 });

test('candidates: propagation over max_sz from the class sizes and score quantiles, and each threshold method over the score quantiles', () => {
  assert.deepEqual(candidates.map((c) => c.name), ['cosine + propagation', 'cosine + chinese-whispers', 'cosine + infomap', 'cosine + threshold', 'cosine + infomap-directed']);
  const prop = candidates[0].settings;
  assert.deepEqual([...new Set(prop.map((s) => s.maxSize))], [40, 80, 160, 600]);
  assert.deepEqual([...new Set(prop.map((s) => s.step))], [0.1, 0.3, 0.6]);
  assert.deepEqual([...new Set(prop.map((s) => s.dropBelowStart))], [false, true]);
  const scores = Float32Array.from(knnEdges(graph).scores).sort();
  const starts = [...new Set(prop.map((s) => s.startThreshold as number))];
  assert.equal(starts.length, 5);
  assert.ok(Math.abs(starts[0] - scores[Math.floor(0.5 * scores.length)]) < 1e-4, 'the first start threshold is the median score');
  const th = candidates[1].settings.map((s) => s.threshold as number);
  assert.equal(th.length, 19);
  for (let i = 1; i < th.length; i++) assert.ok(th[i] > th[i - 1]);
  assert.ok(th[0] >= scores[0] && th[18] <= scores[scores.length - 1]);
  assert.equal(candidates[2].settings.length, 9, 'infomap tries every other threshold');
  assert.deepEqual(candidates[4].settings, candidates[2].settings);
});

test('on held-out identities clustered with the pool, each candidate\'s held-out BCubed F tracks its F on the pool, and the winner is within 0.03 of the best pool F', () => {
  const sel = selectLabeller(candidates, faces.labels.subarray(heldFrom));
  const poolF = sel.candidates.map((c) => clusteringMetrics(faces.labels.subarray(0, heldFrom), c.labels.subarray(0, heldFrom)).bcubed.fscore);
  sel.candidates.forEach((c, i) => assert.ok(Math.abs(c.heldOut.bcubed.fscore - poolF[i]) < 0.08, `${c.name}: held-out ${c.heldOut.bcubed.fscore}, pool ${poolF[i]}`));
  const w = sel.candidates.indexOf(sel.winner);
  assert.ok(poolF[w] >= Math.max(...poolF) - 0.03, `winner ${sel.winner.name} pool F ${poolF[w]}, best ${Math.max(...poolF)}`);
  for (const c of sel.candidates) assert.ok(sel.winner.heldOut.bcubed.fscore >= c.heldOut.bcubed.fscore);
});
