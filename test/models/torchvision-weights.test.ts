import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeNpz, type NdArray } from '../../src/data/files/index.js';
import { Random } from '../../src/data/random.js';
import { resnetModel } from '../../src/models/resnet.js';
import { mlpModel } from '../../src/models/mlp.js';
import { loadTorchvisionResnet } from '../../src/models/torchvision-weights.js';
import { tempDir } from '../helpers/temp.js';


/** A torchvision-named ResNet-18 state_dict (OIHW convs) with values that identify their position. */
function torchvisionResnet18(): Record<string, NdArray> {
  const r = new Random(1);
  const out: Record<string, NdArray> = {};
  const conv = (key: string, o: number, i: number, k: number) => { out[key] = { dtype: 'float32', shape: [o, i, k, k], data: Float32Array.from({ length: o * i * k * k }, () => r.normal()) }; };
  const bn = (key: string, c: number) => {
    for (const f of ['weight', 'bias', 'running_mean', 'running_var']) out[`${key}.${f}`] = { dtype: 'float32', shape: [c], data: Float32Array.from({ length: c }, () => r.next()) };
    out[`${key}.num_batches_tracked`] = { dtype: 'int64', shape: [], data: BigInt64Array.from([7n]) };
  };
  conv('conv1.weight', 64, 3, 7); bn('bn1', 64);
  let cin = 64;
  [64, 128, 256, 512].forEach((c, s) => {
    for (let b = 0; b < 2; b++) {
      const p = `layer${s + 1}.${b}`;
      conv(`${p}.conv1.weight`, c, b === 0 ? cin : c, 3); bn(`${p}.bn1`, c);
      conv(`${p}.conv2.weight`, c, c, 3); bn(`${p}.bn2`, c);
      if (b === 0 && s > 0) { conv(`${p}.downsample.0.weight`, c, cin, 1); bn(`${p}.downsample.1`, c); }
    }
    cin = c;
  });
  out['fc.weight'] = { dtype: 'float32', shape: [1000, 512], data: new Float32Array(512000) };
  return out;
}

test('a torchvision ResNet-18 state_dict loads into facet\'s ResNet-18 (OIHW → HWIO, BN statistics), the embedding keeps its init', () => {
  const dir = tempDir('facet-tv-');
  const sd = torchvisionResnet18();
  writeNpz(join(dir, 'r18.npz'), sd);
  const model = resnetModel(18, 32, 32, 3, 8, new Random(2));
  const embedBefore = model.params.get('embed.w')!.value.slice();
  // every backbone tensor: all parameters but the embedding layer's weight and bias
  assert.equal(loadTorchvisionResnet(model, join(dir, 'r18.npz')), model.params.size - 2);
  const w = model.params.get('layer2.0.conv1.w')!; // HWIO [3, 3, 64, 128]
  const src = sd['layer2.0.conv1.weight']; // OIHW [128, 64, 3, 3]
  const hwio = w.value;
  for (const [o, i, y, x] of [[0, 0, 0, 0], [5, 7, 1, 2], [127, 63, 2, 2]]) {
    assert.equal(hwio[((y * 3 + x) * 64 + i) * 128 + o], src.data[((o * 64 + i) * 3 + y) * 3 + x]);
  }
  assert.deepEqual(model.params.get('layer3.0.down.bn.mean')!.value, sd['layer3.0.downsample.1.running_mean'].data);
  assert.deepEqual(model.params.get('stem.bn.gamma')!.value, sd['bn1.weight'].data);
  assert.deepEqual(model.params.get('embed.w')!.value, embedBefore);
});

test('torchvision weights: a missing tensor, a wrong shape or a non-ResNet model get errors naming the tensor', () => {
  const dir = tempDir('facet-tv-');
  const sd = torchvisionResnet18();
  delete sd['layer4.1.bn2.running_var'];
  writeNpz(join(dir, 'missing.npz'), sd);
  assert.throws(() => loadTorchvisionResnet(resnetModel(18, 32, 32, 3, 8, new Random(2)), join(dir, 'missing.npz')), /no tensor for layer4\.1\.bn2\.var/);
  const grey = resnetModel(18, 32, 32, 1, 8, new Random(2));
  writeNpz(join(dir, 'ok.npz'), torchvisionResnet18());
  assert.throws(() => loadTorchvisionResnet(grey, join(dir, 'ok.npz')), /conv1\.weight has shape \[64,3,7,7\], facet's stem\.w needs \[7,7,1,64\]/);
  assert.throws(() => loadTorchvisionResnet(mlpModel(16, [], 8, new Random(1)), join(dir, 'ok.npz')), /load into resnet18 \/ resnet50, not mlp/);
});
