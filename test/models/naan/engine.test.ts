import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fallbackKernels, kernels, type Kernels } from '../../../src/compute/index.js';
import { embedNodes, initNaan, naanInput, neighbourhoods, project, type NaanConfig, type NaanParams } from '../../../src/models/naan/model.js';
import { NaanTrainStep } from '../../../src/models/naan/step.js';
import { predictNaan } from '../../../src/models/naan/predict.js';
import { trainNaan, type NaanTrainOptions } from '../../../src/models/naan/train.js';
import { synthFaces } from '../../../src/data/synth/synth-faces.js';
import { exactKnn } from '../../../src/knn/exact.js';
import { repoRoot } from '../../helpers/golden.js';
import { checkFd, rand } from '../../nn/grad-check.js';

interface Case {
  nheads: number;
  config: NaanConfig;
  kHops: [number, number];
  params: Record<string, { shape: number[]; data: number[] }>;
  pairs: { a: number[]; b: number[]; y: number[] };
  loss: number;
  grads: Record<string, number[]>;
  z: number[];
  zAll: number[];
  predict: { edgeHops: number; batchSize: number; edges: number[]; scores: number[] };
  train: { options: NaanTrainOptions; history: { epoch: number; meanLoss: number }[]; params: Record<string, number[]> };
}
/** facet's NAAN on tfjs autodiff before the engine rewrite (see test/fixtures/naan-engine/README.md) */
const ref = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/naan-engine/tfjs-reference.json'), 'utf8')) as {
  features: { rows: number; cols: number; data: number[] };
  labels: number[];
  knn: { n: number; k: number; indices: number[] };
  cases: Case[];
};
const features = { rows: ref.features.rows, cols: ref.features.cols, data: Float32Array.from(ref.features.data) };
const knn = { n: ref.knn.n, k: ref.knn.k, indices: Int32Array.from(ref.knn.indices), distances: new Float32Array(ref.knn.n * ref.knn.k) };
const labels = Int32Array.from(ref.labels);

const native = kernels().name === 'native' ? kernels() : undefined;
const engines: [string, Kernels | undefined][] = [['fallback', fallbackKernels], ['native', native]];

/** max |got − want| ≤ rtol · max |want| (+ a float32 floor): an array compared as a whole, as a gradient's scale is its own. */
function close(what: string, got: ArrayLike<number>, want: ArrayLike<number>, rtol = 1e-5): void {
  assert.equal(got.length, want.length, `${what}: length`);
  let diff = 0, scale = 0;
  for (let i = 0; i < want.length; i++) { diff = Math.max(diff, Math.abs(got[i] - want[i])); scale = Math.max(scale, Math.abs(want[i])); }
  assert.ok(diff <= rtol * scale + 1e-7, `${what}: max |Δ| ${diff.toExponential(2)} for max |value| ${scale.toExponential(2)}`);
}

for (const [engine, k] of engines) {
  for (const c of ref.cases) {
    test(`${engine} kernels, ${c.nheads} head(s): loss, every gradient, embeddings and edge scores equal the tfjs implementation's`, { skip: !k && 'native addon not built' }, () => {
      const p: NaanParams = Object.fromEntries(Object.entries(c.params).map(([name, v]) => [name, Float32Array.from(v.data)]));
      assert.deepEqual(Object.keys(p), Object.keys(initNaan(c.config, 0)));
      const X = naanInput(features, c.config);
      const a = Int32Array.from(c.pairs.a), b = Int32Array.from(c.pairs.b);
      const ends = new Int32Array(2 * a.length);
      ends.set(a); ends.set(b, a.length);
      const step = new NaanTrainStep(p, c.config, k);
      const loss = step.run(X, neighbourhoods(knn, ends, c.kHops[0], c.kHops[1]), Int32Array.from(c.pairs.y));
      assert.ok(Math.abs(loss - c.loss) <= 1e-5 * c.loss, `loss ${loss} vs ${c.loss}`);
      close('z', step.z, c.z);
      for (const name of Object.keys(p)) close(`d ${name}`, step.grads[name], c.grads[name]);
      const all = Int32Array.from({ length: features.rows }, (_, i) => i);
      const tables = Array.from({ length: c.nheads }, (_, h) => project(p, c.config, h, X, k));
      close('z of every node (inference tables)', embedNodes(p, c.config, X, neighbourhoods(knn, all, c.kHops[0], c.kHops[1]), tables), c.zAll);
      const s = predictNaan(p, c.config, features, knn, { kHops: c.kHops, edgeHops: c.predict.edgeHops, batchSize: c.predict.batchSize });
      assert.deepEqual(Array.from(s.edges), c.predict.edges);
      close('edge scores', s.scores, c.predict.scores);
    });
  }
}

for (const c of ref.cases) {
  test(`${c.nheads} head(s): a short training run (clip, Adam, lr decay) ends where the tfjs one did`, async () => {
    const r = await trainNaan(features, knn, labels, c.train.options);
    r.history.forEach((h, e) => assert.ok(Math.abs(h.meanLoss - c.train.history[e].meanLoss) < 1e-5, `epoch ${e}: ${h.meanLoss} vs ${c.train.history[e].meanLoss}`));
    for (const name of Object.keys(r.params)) close(`trained ${name}`, r.params[name], c.train.params[name], 1e-5);
  });
}

for (const [engine, k] of engines) {
  test(`${engine} kernels: the training step's gradients match finite differences of its loss`, { skip: !k && 'native addon not built' }, () => {
    const config: NaanConfig = { dim: 5, nheads: 2, alpha: 0.2, inputScale: 2 };
    const data = synthFaces({ ids: 4, images: 30, dim: 5, seed: 9 });
    const g = exactKnn(data.features, 6);
    const p = initNaan(config, 4);
    // biases off zero and slopes off 0.25, so every path counts
    let seed = 50;
    for (const [name, v] of Object.entries(p)) if (name.includes('bias') || name === 'classifier.1.weight') v.set(rand(v.length, seed++, 0.3).map((x) => x + (name === 'classifier.1.weight' ? 0.25 : 0)));
    const X = naanInput(data.features, config);
    const a = Int32Array.of(0, 7, 13, 29), b = Int32Array.of(3, 7, 21, 2);
    const ends = new Int32Array(8);
    ends.set(a); ends.set(b, 4);
    const hood = neighbourhoods(g, ends, 3, 2), y = Int32Array.of(1, 0, 1, 0);
    const step = new NaanTrainStep(p, config, k);
    const loss = () => step.run(X, hood, y);
    loss();
    const grads = Object.fromEntries(Object.entries(step.grads).map(([name, v]) => [name, Float32Array.from(v)]));
    for (const [name, v] of Object.entries(p)) checkFd(name, v, grads[name], loss, 1e-2, 2e-2, 24);
  });
}
