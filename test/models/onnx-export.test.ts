import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { Random } from '../../src/data/random.js';
import { embed, type EmbeddingModel } from '../../src/models/embedding-model.js';
import { exportOnnx } from '../../src/models/onnx/export.js';
import { openOnnxEmbedder } from '../../src/models/onnx-embedder.js';
import { buildModel } from '../../src/train/build-model.js';
import { defaultTrainConfig, type ModelKind } from '../../src/train/config.js';
import { tempDir } from '../helpers/temp.js';

const { onnx } = onnxProto;

const maxAbsDiff = (a: Float32Array, b: Float32Array) => {
  assert.equal(a.length, b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
};

/** Non-trivial values everywhere the export could go wrong: BatchNorm's running statistics, its affine part, biases. */
function randomiseState(m: EmbeddingModel, r: Random): void {
  for (const [name, v] of m.params) {
    const size = v.value.length;
    const values = name.endsWith('.var') ? Float32Array.from({ length: size }, () => 0.5 + r.next())
      : name.endsWith('.mean') || name.endsWith('.beta') || name.endsWith('.b') ? Float32Array.from({ length: size }, () => 0.3 * r.normal())
        : name.endsWith('.gamma') ? Float32Array.from({ length: size }, () => 1 + 0.3 * r.normal()) : undefined;
    if (values) v.value.set(values);
  }
}

const cases: { kind: ModelKind; shape: number[] }[] = [
  { kind: 'mlp', shape: [7] },
  { kind: 'small-cnn', shape: [28, 28, 1] },
  { kind: 'small-cnn', shape: [32, 32, 3] },
  { kind: 'small-cnn', shape: [48, 40, 1] }, // the global-average-pooled variant
  { kind: 'resnet18', shape: [32, 32, 3] },
  { kind: 'resnet50', shape: [32, 32, 3] },
];

for (const { kind, shape } of cases) {
  test(`ONNX export of ${kind} [${shape}] runs in onnxruntime and gives facet's embed() (BatchNorm in eval mode, any batch size)`, async (t) => {
    const dir = tempDir('facet-onnx-');
    const r = new Random(11);
    const m = buildModel({ ...defaultTrainConfig, model: kind, hidden: [9, 5], embeddingDim: 6 }, shape, r);
    randomiseState(m, r);
    const bytes = exportOnnx(m, { inputNormalization: 'x/127.5 - 1', facetVersion: 'test' });
    const file = join(dir, 'model.onnx');
    writeFileSync(file, bytes);

    const decoded = onnx.ModelProto.decode(bytes);
    assert.equal(Number(decoded.opsetImport[0].version), 17);
    const dims = decoded.graph!.input![0].type!.tensorType!.shape!.dim!;
    assert.deepEqual(dims.map((d) => d.dimParam || Number(d.dimValue)), ['batch', ...shape]);
    const meta = Object.fromEntries(decoded.metadataProps.map((p) => [p.key, p.value]));
    assert.equal(meta['facet.input_layout'], shape.length === 3 ? 'NHWC' : 'NC');
    assert.equal(meta['facet.embedding_dim'], '6');
    assert.equal(meta['facet.model'], kind);

    const session = await ort.InferenceSession.create(file);
    assert.deepEqual([session.inputNames, session.outputNames], [['input'], ['embedding']]);
    const per = shape.reduce((a, b) => a * b, 1);
    for (const n of [1, 5]) {
      const x = Float32Array.from({ length: n * per }, () => r.normal());
      const out = await session.run({ input: new ort.Tensor('float32', x, [n, ...shape]) });
      assert.deepEqual(out.embedding.dims, [n, 6]);
      const want = embed(m, x, n);
      const diff = maxAbsDiff(out.embedding.data as Float32Array, want);
      assert.ok(diff < 1e-4, `batch ${n}: max |onnx − facet| = ${diff}`);
      // the embedder over the same file: the same rows
      const e = await openOnnxEmbedder(file, shape);
      assert.ok(maxAbsDiff(await e.embed(x, n), want) < 1e-4);
    }
  });
}

test('the embedder chunks a large batch (more rows than one onnxruntime call takes)', async (t) => {
  const dir = tempDir('facet-onnx-');
  const r = new Random(3);
  const m = buildModel({ ...defaultTrainConfig, model: 'mlp', hidden: [4], embeddingDim: 3 }, [5], r);
  randomiseState(m, r);
  writeFileSync(join(dir, 'm.onnx'), exportOnnx(m, { inputNormalization: 'none', facetVersion: 'test' }));
  const e = await openOnnxEmbedder(join(dir, 'm.onnx'), [5]);
  const x = Float32Array.from({ length: 150 * 5 }, () => r.normal());
  assert.ok(maxAbsDiff(await e.embed(x, 150), embed(m, x, 150)) < 1e-5);
  await assert.rejects(e.embed(x, 149), /750 input values is not 149 samples of \[5\]/);
});

test('a model kind the export does not know is refused by name', () => {
  const m = { ...buildModel({ ...defaultTrainConfig, model: 'mlp', hidden: [], embeddingDim: 2 }, [3], new Random(1)), kind: 'vit' };
  assert.throws(() => exportOnnx(m, { inputNormalization: 'none', facetVersion: 'test' }), /model kind "vit" cannot be exported \(facet exports small-cnn, resnet18, resnet50, mlp\)/);
});
