import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { Random } from '../../src/data/random.js';
import { openOnnxEmbedder } from '../../src/models/onnx-embedder.js';
import { tempDir } from '../helpers/temp.js';

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;

/** A foreign, insightface-like NCHW model made with onnx-proto: 3×3 valid Conv (3 → 2 channels) → Flatten → MatMul [2·4·4, 4]. */
function nchwModel(filter: Float32Array, w: Float32Array, batch: number | string): Uint8Array {
  const value = (name: string, dims: (number | string)[]) => ({
    name, type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  });
  const init = (name: string, data: Float32Array, dims: number[]) => ({ name, dims, dataType: FLOAT, rawData: new Uint8Array(data.buffer.slice(0)) });
  const T = onnx.AttributeProto.AttributeType;
  return onnx.ModelProto.encode(onnx.ModelProto.create({
    irVersion: 8, opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'foreign',
      node: [
        { opType: 'Conv', input: ['data', 'k'], output: ['c'], attribute: [{ name: 'kernel_shape', type: T.INTS, ints: [3, 3] }] },
        { opType: 'Flatten', input: ['c'], output: ['f'], attribute: [{ name: 'axis', type: T.INT, i: 1 }] },
        { opType: 'MatMul', input: ['f', 'w'], output: ['fc1'] },
      ],
      initializer: [init('k', filter, [2, 3, 3, 3]), init('w', w, [32, 4])],
      input: [value('data', [batch, 3, 6, 6])],
      output: [value('fc1', [batch, 'dim'])],
    },
  })).finish();
}

/** the same network computed directly on one NHWC image [6, 6, 3]: unnormalised 4-d output */
function direct(img: (y: number, x: number, c: number) => number, filter: Float32Array, w: Float32Array): Float32Array {
  const flat = new Float32Array(32);
  for (let o = 0; o < 2; o++)
    for (let y = 0; y < 4; y++)
      for (let x = 0; x < 4; x++) {
        let s = 0;
        for (let c = 0; c < 3; c++) for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) s += filter[((o * 3 + c) * 3 + i) * 3 + j] * img(y + i, x + j, c);
        flat[(o * 4 + y) * 4 + x] = s;
      }
  const out = new Float32Array(4);
  for (let k = 0; k < 4; k++) for (let i = 0; i < 32; i++) out[k] += flat[i] * w[i * 4 + k];
  const norm = Math.hypot(...out);
  return out.map((v) => v / norm);
}

test('a foreign NCHW model embeds facet\'s NHWC images (transposed), grey ones with the channel repeated, with a fixed batch size too', async (t) => {
  const dir = tempDir('facet-onnx-emb-');
  const r = new Random(5);
  const filter = Float32Array.from({ length: 54 }, () => r.normal()), w = Float32Array.from({ length: 128 }, () => r.normal());
  const n = 3;
  const rgb = Float32Array.from({ length: n * 108 }, () => r.normal()), grey = Float32Array.from({ length: n * 36 }, () => r.normal());
  for (const batch of ['N', 2]) { // a fixed batch of 2 for 3 images: the last call is padded
    const file = join(dir, `m${batch}.onnx`);
    writeFileSync(file, nchwModel(filter, w, batch));
    const e = await openOnnxEmbedder(file, [6, 6, 3]);
    assert.equal(e.embeddingDim, 4);
    const got = await e.embed(rgb, n);
    const g = await (await openOnnxEmbedder(file, [6, 6, 1])).embed(grey, n);
    for (let i = 0; i < n; i++) {
      const want = direct((y, x, c) => rgb[i * 108 + (y * 6 + x) * 3 + c], filter, w);
      const wantGrey = direct((y, x) => grey[i * 36 + y * 6 + x], filter, w);
      for (let k = 0; k < 4; k++) {
        assert.ok(Math.abs(got[i * 4 + k] - want[k]) < 1e-5, `batch ${batch} row ${i}`);
        assert.ok(Math.abs(g[i * 4 + k] - wantGrey[k]) < 1e-5, `grey, batch ${batch} row ${i}`);
      }
    }
  }
});

test('an image size the model does not take, a wrong channel count, features for an image model and a file that is not ONNX are refused clearly', async (t) => {
  const dir = tempDir('facet-onnx-emb-');
  const file = join(dir, 'model.onnx');
  writeFileSync(file, nchwModel(new Float32Array(54), new Float32Array(128), 'N'));
  const shapes = /model\.onnx: the model's input data \[N, 3, 6, 6\] does not fit the data's samples \[8, 8, 3\] \(NCHW model; images are not resized\)/;
  await assert.rejects(openOnnxEmbedder(file, [8, 8, 3]), shapes);
  await assert.rejects(openOnnxEmbedder(file, [6, 6, 2]), /\[6, 6, 2\] \(2 channels for a 3-channel model\)/);
  await assert.rejects(openOnnxEmbedder(file, [108]), /\[108\] \(an image model needs \[h, w, c\] images\)/);
  const text = join(dir, 'notes.onnx');
  writeFileSync(text, '{"this": "is json"}\n');
  await assert.rejects(openOnnxEmbedder(text, [6, 6, 3]), /notes\.onnx: not an ONNX model/);
  await assert.rejects(openOnnxEmbedder(join(dir, 'absent.onnx'), [6, 6, 3]), /absent\.onnx: cannot read the ONNX model \(ENOENT\)/);
});
