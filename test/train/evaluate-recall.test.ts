import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../../src/data/random.js';
import { evaluateRetrieval } from '../../src/eval/retrieval.js';
import { embed } from '../../src/models/embedding-model.js';
import { buildModel } from '../../src/train/build-model.js';
import { defaultTrainConfig } from '../../src/train/config.js';
import { recallAtK } from '../../src/train/evaluate-recall.js';
import { asSource, type Samples } from '../../src/train/samples.js';


const rows = (n: number, seed: number, labels: number[]): Samples => {
  const r = new Random(seed);
  return { x: Float32Array.from({ length: n * 6 }, () => r.normal()), n, sampleShape: [6], labels: Int32Array.from(labels) };
};
const model = buildModel({ ...defaultTrainConfig, model: 'mlp', hidden: [8], embeddingDim: 4, seed: 1 }, [6], new Random(1));

test('recallAtK is embed → evaluateRetrieval: leave-one-out, gallery, −1 rows no candidates, R-precision on request', async () => {
  const q = rows(10, 2, [0, 0, 1, 1, 2, 2, 3, 3, -1, -1]);
  const d = model.embeddingDim;
  const ref = evaluateRetrieval({ query: { data: embed(model, q.x, q.n), rows: q.n, cols: d }, queryLabels: q.labels }, { ks: [1, 2] });
  let last = 0;
  const r = await recallAtK(model, q, [1, 2, 8, 9], { onProgress: (done) => { last = done; } });
  // 8 labelled rows: K = 8 and 9 do not fit
  assert.deepEqual(r, { 'recall@1': ref.recall[0], 'recall@2': ref.recall[1], mapAtR: 100 * ref.mapAtR });
  assert.equal(last, q.n);
  // streamed from a source: the same numbers
  assert.deepEqual(await recallAtK(model, asSource(q), [1, 2, 8, 9]), r);
  const withR = await recallAtK(model, q, [1], { rPrecision: true });
  assert.equal(withR.rPrecision, 100 * ref.rPrecision);

  const g = rows(6, 3, [0, 1, 2, 3, 0, 1]);
  const gRef = evaluateRetrieval({ query: { data: embed(model, q.x, q.n), rows: q.n, cols: d }, queryLabels: q.labels, gallery: { data: embed(model, g.x, g.n), rows: g.n, cols: d }, galleryLabels: g.labels }, { ks: [1, 5] });
  const progress: number[] = [];
  const gr = await recallAtK(model, q, [1, 5, 6], { gallery: asSource(g), onProgress: (done) => progress.push(done) });
  assert.deepEqual(gr, { 'recall@1': gRef.recall[0], 'recall@5': gRef.recall[1], mapAtR: 100 * gRef.mapAtR });
  assert.equal(progress.at(-1), q.n + g.n);
});
