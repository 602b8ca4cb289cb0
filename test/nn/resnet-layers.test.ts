import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fallbackKernels, kernels, type Kernels } from '../../src/compute/index.js';
import { BatchNorm, Conv2d, GlobalAvgPool, Linear, MaxPool, Relu, ResidualBlock, Sequential, type Layer } from '../../src/nn/index.js';
import { checkLayer, rand } from './grad-check.js';
import { python } from '../helpers/python.js';
import { tempDir } from '../helpers/temp.js';

const native = kernels().name === 'native' ? kernels() : undefined;
const skipNative = !native && 'native addon not built (needs libopenblas-dev) or FACET_NATIVE=0';

const seed = (name: string) => [...name].reduce((a, ch) => (a * 31 + ch.charCodeAt(0)) >>> 0, 7);

const conv = (name: string, shape: readonly number[], oc: number, size: number, stride: number, k: Kernels, keepColumns = true) =>
  new Conv2d(name, shape, oc, rand(size * size * shape[2] * oc, seed(name), 1.5 / Math.sqrt(size * size * shape[2])), { size, stride, keepColumns }, k);

/** A BatchNorm with gamma/beta perturbed off their 1/0 init, so the checks exercise them. */
function bn(name: string, shape: readonly number[], relu: boolean, k: Kernels): BatchNorm {
  const l = new BatchNorm(name, shape, { relu }, k), c = shape[2];
  l.gamma.value.set(rand(c, seed(name)).map((v) => 1 + 0.5 * v));
  l.beta.value.set(rand(c, seed(name) + 1, 0.3));
  return l;
}

/** torchvision's BasicBlock: conv3×3(stride)-BN-ReLU-conv3×3-BN, joined with x or with a 1×1(stride)-BN downsample. */
function basicBlock(name: string, shape: readonly number[], planes: number, stride: number, k: Kernels): ResidualBlock {
  const c1 = conv(`${name}.conv1`, shape, planes, 3, stride, k), c2 = conv(`${name}.conv2`, c1.outShape, planes, 3, 1, k);
  return new ResidualBlock(name, [c1, bn(`${name}.bn1`, c1.outShape, true, k), c2, bn(`${name}.bn2`, c2.outShape, false, k)],
    downsample(name, shape, planes, stride, k), k);
}

/** torchvision's Bottleneck (v1.5: the stride on the 3×3): 1×1-BN-ReLU-3×3(stride)-BN-ReLU-1×1(4·planes)-BN. */
function bottleneckBlock(name: string, shape: readonly number[], planes: number, stride: number, k: Kernels): ResidualBlock {
  const c1 = conv(`${name}.conv1`, shape, planes, 1, 1, k), c2 = conv(`${name}.conv2`, c1.outShape, planes, 3, stride, k);
  const c3 = conv(`${name}.conv3`, c2.outShape, 4 * planes, 1, 1, k);
  return new ResidualBlock(name, [
    c1, bn(`${name}.bn1`, c1.outShape, true, k), c2, bn(`${name}.bn2`, c2.outShape, true, k), c3, bn(`${name}.bn3`, c3.outShape, false, k),
  ], downsample(name, shape, 4 * planes, stride, k), k);
}

function downsample(name: string, shape: readonly number[], out: number, stride: number, k: Kernels): Layer[] | undefined {
  if (stride === 1 && shape[2] === out) return undefined;
  const d = conv(`${name}.downsample.0`, shape, out, 1, stride, k);
  return [d, bn(`${name}.downsample.1`, d.outShape, false, k)];
}

const layers: [string, (k: Kernels) => Layer][] = [
  ['conv 7×7 stride 2', (k) => conv('stem', [9, 8, 2], 3, 7, 2, k)],
  ['conv 3×3 stride 2 (columns rebuilt)', (k) => conv('c3', [7, 6, 3], 4, 3, 2, k, false)],
  ['conv 1×1 stride 2', (k) => conv('down', [5, 6, 4], 3, 1, 2, k)],
  ['BatchNorm without ReLU', (k) => bn('bn', [3, 4, 5], false, k)],
  ['max-pool 3×3 stride 2 pad 1 (ResNet stem)', (k) => new MaxPool('pool', [7, 6, 3], { size: 3, stride: 2, pad: 1 }, k)],
  ['ReLU', (k) => new Relu('relu', [3, 4], k)],
  ['basic block, identity shortcut', (k) => basicBlock('layer1.0', [4, 4, 3], 3, 1, k)],
  ['basic block, stride 2 with downsample', (k) => basicBlock('layer2.0', [5, 4, 3], 4, 2, k)],
  ['bottleneck block, stride 2 with downsample', (k) => bottleneckBlock('layer2.0', [5, 4, 4], 2, 2, k)],
  ['bottleneck block, identity shortcut', (k) => bottleneckBlock('layer1.1', [3, 3, 8], 2, 1, k)],
  ['stem + basic block + pool + linear', (k) => {
    const stem = conv('conv1', [12, 11, 2], 4, 7, 2, k), pool = new MaxPool('maxpool', [6, 6, 4], { size: 3, stride: 2, pad: 1 }, k);
    return new Sequential('mini resnet', [
      stem, bn('bn1', stem.outShape, true, k), pool, basicBlock('layer1.0', pool.outShape, 4, 1, k), basicBlock('layer2.0', pool.outShape, 6, 2, k),
      new GlobalAvgPool('avgpool', [2, 2, 6]), new Linear('fc', [6], 3, rand(18, 9, 0.5), k),
    ]);
  }],
];

for (const [name, make] of layers) {
  test(`fallback engine: ${name} backward matches finite differences`, () => checkLayer(make(fallbackKernels), 2, 21));
  test(`native engine: ${name} backward matches finite differences`, { skip: skipNative }, () => checkLayer(make(native!), 2, 21));
}

test('Conv2d output sides follow torchvision (padding size >> 1); bad options are refused', () => {
  const shapes = [[7, 2, 224], [3, 2, 56], [1, 2, 56], [3, 1, 7], [3, 2, 7], [1, 1, 5], [7, 2, 1]].map(([size, stride, side]) =>
    conv('c', [side, side, 1], 2, size, stride, fallbackKernels).outShape);
  assert.deepEqual(shapes, [[112, 112, 2], [28, 28, 2], [28, 28, 2], [7, 7, 2], [4, 4, 2], [5, 5, 2], [1, 1, 2]]);
  assert.throws(() => new Conv2d('c', [4, 4, 1], 1, new Float32Array(9), { stride: 0 }), /c: stride must be a positive integer, got 0/);
  assert.throws(() => new Conv2d('c', [4, 4, 1], 1, new Float32Array(9), { size: 2.5 }), /c: size must be a positive integer, got 2.5/);
  assert.throws(() => new Conv2d('c', [4, 4, 1], 1, new Float32Array(9), { size: 1 }), /c.w: 9 values for shape \[1, 1, 1, 1\]/);
});

test('Conv2d gives the same gradients with and without kept columns', () => {
  const x = rand(3 * 8 * 8 * 3, 5), r = rand(3 * 4 * 4 * 4, 6);
  const grads = [true, false].map((keep) => {
    const l = conv('c', [8, 8, 3], 4, 3, 2, fallbackKernels, keep);
    l.forward(x, 3, true);
    const dx = Float32Array.from(l.backward(r, true)!);
    return [dx, Float32Array.from(l.params[0].grad!)];
  });
  assert.deepEqual(grads[0], grads[1]);
});

test('ResidualBlock: params are those of the main path, then of the shortcut; mismatched paths are refused', () => {
  const k = fallbackKernels, block = basicBlock('b', [4, 4, 2], 3, 2, k);
  assert.deepEqual(block.params.map((p) => p.name), [
    'b.conv1.w', 'b.bn1.gamma', 'b.bn1.beta', 'b.bn1.mean', 'b.bn1.var', 'b.conv2.w', 'b.bn2.gamma', 'b.bn2.beta', 'b.bn2.mean', 'b.bn2.var',
    'b.downsample.0.w', 'b.downsample.1.gamma', 'b.downsample.1.beta', 'b.downsample.1.mean', 'b.downsample.1.var',
  ]);
  assert.deepEqual(block.outShape, [2, 2, 3]);
  const c = conv('c', [4, 4, 2], 3, 3, 2, k);
  assert.throws(() => new ResidualBlock('r', [c], undefined, k), /r: the main path maps \[4, 4, 2\] to \[2, 2, 3\] but the identity shortcut maps \[4, 4, 2\] to \[4, 4, 2\]/);
  assert.throws(() => new ResidualBlock('r', [c], [conv('d', [4, 4, 2], 3, 1, 1, k)], k), /r: the main path .* but the shortcut maps \[4, 4, 2\] to \[4, 4, 3\]/);
  assert.throws(() => block.backward(new Float32Array(12), true), /backward needs a training forward first/);
});

test('ResidualBlock: y = relu(main + shortcut); without needDx the param gradients are the same', () => {
  const k = fallbackKernels, main = [conv('m', [4, 4, 3], 5, 3, 2, k), bn('mb', [2, 2, 5], false, k)];
  const shortcut = [conv('s', [4, 4, 3], 5, 1, 2, k), bn('sb', [2, 2, 5], false, k)];
  const block = new ResidualBlock('b', main, shortcut, k), x = rand(2 * 4 * 4 * 3, 3), r = rand(2 * 2 * 2 * 5, 4);
  const y = Float32Array.from(block.forward(x, 2, false));
  const a = Float32Array.from(new Sequential('m', main).forward(x, 2, false)), b = new Sequential('s', shortcut).forward(x, 2, false);
  assert.deepEqual(y, a.map((v, i) => Math.max(0, Math.fround(v + b[i]))));
  assert.ok(y.some((v) => v === 0) && y.some((v) => v > 0), 'the ReLU both passes and blocks');
  block.forward(x, 2, true);
  block.backward(r, true);
  const grads = block.params.filter((p) => p.grad).map((p) => Float32Array.from(p.grad!));
  block.forward(x, 2, true);
  assert.equal(block.backward(r, false), undefined);
  block.params.filter((p) => p.grad).forEach((p, i) => assert.deepEqual(p.grad, grads[i], p.name));
});

test('native and fallback residual blocks give the same outputs and gradients', { skip: skipNative }, () => {
  const x = rand(4 * 8 * 8 * 8, 5), r = rand(4 * 4 * 4 * 16, 6);
  const run = (k: Kernels) => {
    const net = new Sequential('net', [bottleneckBlock('l1', [8, 8, 8], 4, 2, k), basicBlock('l2', [4, 4, 16], 16, 1, k)]);
    const y = Float32Array.from(net.forward(x, 4, true)), dx = Float32Array.from(net.backward(r, true)!);
    return { y, dx, grads: net.grads() };
  };
  const a = run(native!), b = run(fallbackKernels);
  const near = (p: ArrayLike<number>, q: ArrayLike<number>, what: string) => {
    for (let i = 0; i < p.length; i++) assert.ok(Math.abs(p[i] - q[i]) <= 1e-4 + 1e-3 * Math.abs(q[i]), `${what}[${i}]: ${p[i]} vs ${q[i]}`);
  };
  near(a.y, b.y, 'output');
  near(a.dx, b.dx, 'dx');
  for (const [name, g] of a.grads) near(g, b.grads.get(name)!, name);
});

test('MaxPool output sides follow torch (floor mode); bad windows are refused naming the layer', () => {
  const shapes = [[3, 2, 1, 56], [2, 2, 0, 5], [3, 2, 1, 7], [3, 1, 1, 6], [3, 2, 1, 1]].map(([size, stride, pad, side]) =>
    new MaxPool('p', [side, side, 2], { size, stride, pad }, fallbackKernels).outShape);
  assert.deepEqual(shapes, [[28, 28, 2], [2, 2, 2], [4, 4, 2], [6, 6, 2], [1, 1, 2]]);
  assert.throws(() => new MaxPool('p', [4, 4, 2], { size: 3, stride: 2, pad: 2 }), /p: needs a positive integer size and stride and 0 ≤ pad ≤ size\/2, got size 3, stride 2, pad 2/);
  assert.throws(() => new MaxPool('p', [4, 4, 2], { size: 2, stride: 0 }), /p: needs a positive integer size and stride/);
  assert.throws(() => new MaxPool('p', [4, 4], { size: 2, stride: 2 }), /p: input shape must be \[h, w, c\], got \[4, 4\]/);
});

const haveTorchvision = (() => {
  try {
    python('import torch, torchvision');
    return true;
  } catch {
    return false;
  }
})();

/** torchvision's own stem and blocks on the same weights and input: the train-mode forward, backward of Σ r·y, and running statistics. */
const torchBlocks = String.raw`
import json, sys, numpy as np, torch, torch.nn as nn
from torchvision.models.resnet import BasicBlock, Bottleneck, conv1x1
d = sys.argv[1]
man = json.load(open(d + '/manifest.json'))
load = lambda name, shape: torch.from_numpy(np.fromfile(d + '/' + name + '.bin', dtype=np.float32).reshape(shape))
m = nn.Module()
m.conv1, m.bn1 = nn.Conv2d(3, 4, 7, 2, 3, bias=False), nn.BatchNorm2d(4)
m.layer1 = nn.Sequential(BasicBlock(4, 6, 2, downsample=nn.Sequential(conv1x1(4, 6, 2), nn.BatchNorm2d(6))))
m.layer2 = nn.Sequential(Bottleneck(6, 2, 1, downsample=nn.Sequential(conv1x1(6, 8, 1), nn.BatchNorm2d(8))))
state = m.state_dict()
torchName = lambda n: n.rsplit('.', 1)[0] + '.' + {'w': 'weight', 'gamma': 'weight', 'beta': 'bias', 'mean': 'running_mean', 'var': 'running_var'}[n.rsplit('.', 1)[1]]
for name, shape in man['params']:
    v = load(name, shape)
    state[torchName(name)].copy_(v.permute(3, 2, 0, 1) if len(shape) == 4 else v)  # HWIO -> OIHW
m.train()
x = load('x', man['x']).permute(0, 3, 1, 2).contiguous().requires_grad_()
h = nn.functional.max_pool2d(torch.relu(m.bn1(m.conv1(x))), 3, 2, 1)
y = m.layer2(m.layer1(h))
(y * load('r', man['r']).permute(0, 3, 1, 2)).sum().backward()
y.detach().permute(0, 2, 3, 1).numpy().tofile(d + '/out.y.bin')
x.grad.permute(0, 2, 3, 1).numpy().tofile(d + '/out.dx.bin')
params = dict(m.named_parameters())
for name, shape in man['params']:
    t = torchName(name)
    v = params[t].grad if t in params else state[t]
    (v.permute(2, 3, 1, 0) if len(shape) == 4 else v).contiguous().numpy().tofile(d + '/out.' + name + '.bin')
`;

test('a stem, a basic block and a bottleneck block in training mode match torchvision (outputs, gradients, running statistics)', { skip: !haveTorchvision && 'Debian python3 with torch and torchvision not installed' }, () => {
  const k = kernels(), stem = conv('conv1', [16, 16, 3], 4, 7, 2, k), pool = new MaxPool('maxpool', [8, 8, 4], { size: 3, stride: 2, pad: 1 }, k);
  const b1 = basicBlock('layer1.0', pool.outShape, 6, 2, k), b2 = bottleneckBlock('layer2.0', b1.outShape, 2, 1, k);
  const net = new Sequential('net', [stem, bn('bn1', stem.outShape, true, k), pool, b1, b2]);
  const n = 2, x = rand(n * 16 * 16 * 3, 31), r = rand(n * 2 * 2 * 8, 32), dir = tempDir('facet-resnet-torch-');
  const params = net.params.map((p) => [p.name, p.shape] as const);
  for (const p of net.params) writeFileSync(join(dir, `${p.name}.bin`), p.value);
  writeFileSync(join(dir, 'x.bin'), x);
  writeFileSync(join(dir, 'r.bin'), r);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ params, x: [n, 16, 16, 3], r: [n, 2, 2, 8] }));
  python(torchBlocks, [dir]);
  const y = net.forward(x, n, true), dx = net.backward(r, true)!;
  const read = (name: string) => new Float32Array(new Uint8Array(readFileSync(join(dir, `out.${name}.bin`))).buffer);
  const near = (got: ArrayLike<number>, want: Float32Array, what: string) => {
    assert.equal(got.length, want.length, `${what}: length`);
    const scale = Math.max(...want.map(Math.abs));
    for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= 1e-4 * scale + 1e-6, `${what}[${i}]: ${got[i]} vs torch ${want[i]}`);
  };
  near(y, read('y'), 'y');
  near(dx, read('dx'), 'dx');
  for (const p of net.params) near(p.grad ?? p.value, read(p.name), p.grad ? `d ${p.name}` : p.name);
});
