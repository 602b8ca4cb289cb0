import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNpz } from '../../src/data/files/index.js';
import { Random } from '../../src/data/random.js';
import { resnetModel } from '../../src/models/resnet.js';
import { facetParamName, loadTorchvisionResnet } from '../../src/models/torchvision-weights.js';
import type { EmbeddingModel } from '../../src/models/embedding-model.js';
import { repoRoot } from '../helpers/golden.js';
import { debianPython, python } from '../helpers/python.js';
import { tempDir } from '../helpers/temp.js';

const fixture = (f: string) => JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/tfjs-checkpoints', f), 'utf8'));
const haveTorchvision = spawnSync(debianPython, ['-c', 'import torch, torchvision'], { encoding: 'utf8' }).status === 0;

/** |got − want| ≤ tol·max|want| over the whole array (float32 sums over deep networks). */
function close(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  let scale = 0, worst = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
  assert.ok(worst <= tol * scale, `${what}: largest difference ${worst} against max |value| ${scale}`);
}

test('ResNet-18 and ResNet-50: torchvision parameter counts, and the parameters of the TensorFlow.js ResNet by name and shape', () => {
  const old = fixture('resnet-params.json') as Record<string, [string, number[], boolean][]>;
  for (const [depth, backbone] of [[18, 11_176_512], [50, 23_508_032]] as const) {
    const m = resnetModel(depth, 32, 32, 3, 16, new Random(1));
    // torchvision's resnet without fc, plus the Linear(512 | 2048 → 16) embedding
    const trainable = [...m.params.values()].filter((p) => p.grad).reduce((s, p) => s + p.value.length, 0);
    assert.equal(trainable, backbone + (depth === 18 ? 512 : 2048) * 16 + 16);
    // a checkpoint of the tfjs ResNet holds exactly these names and shapes, so it loads as it is
    assert.deepEqual([...m.params].map(([k, p]) => [k, [...p.shape], !!p.grad]), old[`resnet${depth}`]);
  }
});

test('ResNet outputs equal the TensorFlow.js ResNet\'s on the same parameters (evaluation mode)', () => {
  const want = fixture('resnet-outputs.json') as Record<string, { eval: number[] }>;
  // the parameter values the fixture was made with (see its README)
  const fill = (name: string, j: number, n: number) => Float32Array.from({ length: n }, (_, i) => {
    const s = Math.sin(0.37 * i + 1.3 * j);
    if (name.endsWith('.var')) return 1 + 0.5 * Math.abs(s);
    if (name.endsWith('.gamma')) return 1 + 0.2 * s;
    if (name.endsWith('.mean') || name.endsWith('.beta')) return 0.1 * s;
    return 0.05 * s;
  });
  const x = Float32Array.from({ length: 2 * 32 * 32 * 3 }, (_, i) => Math.sin(0.01 * i));
  for (const depth of [18, 50] as const) {
    const m = resnetModel(depth, 32, 32, 3, 8, new Random(0));
    [...m.params].forEach(([k, p], j) => p.value.set(fill(k, j, p.value.length)));
    close(m.forward(x, 2), want[`resnet${depth}`].eval, 1e-4, `resnet${depth} eval`);
  }
});

/** torchvision's model with random BatchNorm statistics and fc → the embedding; writes its state_dict, the batch, and its outputs and gradients. */
const TORCHVISION = `
import sys, numpy as np, torch, torchvision
depth, side, batch, dim, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
# seed 2: under seed 0 one input of a ResNet-18 residual join's ReLU is within 1e-6 of 0 (-6e-8 with the fallback's
# float64 sums, +7e-7 with oneDNN's float32 convs), so a few ulps of conv rounding flip it and move every earlier gradient
# by ~1 %: a tie, not an error
torch.manual_seed(2)
m = getattr(torchvision.models, 'resnet%d' % depth)(num_classes=dim)
with torch.no_grad():
    for name, mod in m.named_modules():
        if isinstance(mod, torch.nn.BatchNorm2d):
            mod.running_mean.uniform_(-0.2, 0.2); mod.running_var.uniform_(0.5, 1.5)
            # a bottleneck's last BatchNorm small, as with zero_init_residual but not zero: with γ near 1 the
            # training gradients of a random ResNet-50 are ill-conditioned (torch float32 vs float64 differ by 25 %)
            mod.weight.uniform_(*((0.1, 0.3) if name.endswith('bn3') else (0.5, 1.5))); mod.bias.uniform_(-0.2, 0.2)
x = torch.randn(batch, 3, side, side)
r = torch.randn(batch, dim)
state = {k: v.detach().numpy().copy() for k, v in m.state_dict().items()}
def run(dt, tag):
    net = m.to(dt)
    net.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})
    net.eval()
    with torch.no_grad(): ev = net(x.to(dt))
    net.train(); net.zero_grad()
    tr = net(x.to(dt))
    (tr * r.to(dt)).sum().backward()
    f = lambda t: t.detach().double().numpy()
    res = {tag + 'eval': f(ev), tag + 'train': f(tr)}
    res.update({tag + 'grad.' + k: f(p.grad) for k, p in net.named_parameters()})
    res.update({tag + 'after.' + k: f(v) for k, v in net.state_dict().items() if 'running' in k})
    return res
ref = {**run(torch.float64, 'f64.'), **run(torch.float32, 'f32.')}
np.savez(out, **state, x=x.permute(0, 2, 3, 1).numpy(), r=r.numpy(), **ref)
`;

/** HWIO facet filter → OIHW, to compare with torch's gradients. */
function toOihw(w: Float32Array, [k, , cin, cout]: readonly number[]): Float32Array {
  const out = new Float32Array(w.length);
  for (let o = 0; o < cout; o++) for (let i = 0; i < cin; i++) for (let y = 0; y < k; y++) for (let x = 0; x < k; x++) {
    out[((o * cin + i) * k + y) * k + x] = w[((y * k + x) * cin + i) * cout + o];
  }
  return out;
}

/**
 * facet's float32 against torch's float64 result, held to torch's own float32 accuracy: the largest
 * difference may be at most twice torch float32's, or 1e-4 of the values' scale. Training-mode
 * BatchNorm over a few values per channel can be ill-conditioned, and then a fixed tolerance against
 * torch's float32 would test the conditioning, not facet.
 */
function asAccurateAsTorch(got: ArrayLike<number>, a: Record<string, { data: ArrayLike<number | bigint> }>, key: string, what: string): void {
  const f64 = a[`f64.${key}`].data as ArrayLike<number>, f32 = a[`f32.${key}`].data as ArrayLike<number>;
  let scale = 0, ours = 0, torch32 = 0;
  for (let i = 0; i < f64.length; i++) {
    scale = Math.max(scale, Math.abs(f64[i]));
    ours = Math.max(ours, Math.abs(got[i] - f64[i]));
    torch32 = Math.max(torch32, Math.abs(f32[i] - f64[i]));
  }
  assert.ok(ours <= Math.max(2 * torch32, 1e-4 * scale), `${what}: largest difference from float64 ${ours}, torch float32's ${torch32}, scale ${scale}`);
}

function checkAgainstTorchvision(depth: 18 | 50, side: number, batch: number): void {
  const dim = 8, dir = tempDir('facet-resnet-tv-'), file = join(dir, 'tv.npz');
  python(TORCHVISION, [String(depth), String(side), String(batch), String(dim), file]);
  const a = readNpz(file);
  const f32 = (k: string) => Float32Array.from(a[k].data as ArrayLike<number>);
  const m: EmbeddingModel = resnetModel(depth, side, side, 3, dim, new Random(5));
  loadTorchvisionResnet(m, file);
  // torchvision's fc is the embedding layer: weight [dim, features] → facet's [features, dim]
  const fc = f32('fc.weight'), features = fc.length / dim, w = m.params.get('embed.w')!.value;
  for (let o = 0; o < dim; o++) for (let i = 0; i < features; i++) w[i * dim + o] = fc[o * features + i];
  m.params.get('embed.b')!.value.set(f32('fc.bias'));
  const x = f32('x');
  asAccurateAsTorch(m.forward(x, batch), a, 'eval', `resnet${depth} eval forward`);
  const step = m.trainForward(x, batch);
  asAccurateAsTorch(step.embedding, a, 'train', `resnet${depth} train forward`);
  const grads = step.backward(f32('r'));
  let compared = 0;
  for (const key of Object.keys(a).filter((k) => k.startsWith('f64.grad.'))) {
    const torchKey = key.slice(9), name = torchKey === 'fc.weight' ? 'embed.w' : torchKey === 'fc.bias' ? 'embed.b' : facetParamName(torchKey)!;
    const p = m.params.get(name)!, g = grads.get(name)!;
    let got = g;
    if (p.shape.length === 4) got = toOihw(g, p.shape);
    if (name === 'embed.w') got = Float32Array.from({ length: g.length }, (_, j) => g[(j % features) * dim + Math.floor(j / features)]);
    asAccurateAsTorch(got, a, key.slice(4), `resnet${depth} gradient of ${torchKey}`);
    compared++;
  }
  assert.equal(compared, grads.size, 'every trainable parameter has a torch gradient');
  for (const key of Object.keys(a).filter((k) => k.startsWith('f64.after.') && !k.endsWith('num_batches_tracked'))) {
    asAccurateAsTorch(m.params.get(facetParamName(key.slice(10))!)!.value, a, key.slice(4), `resnet${depth} running statistic ${key.slice(10)} after the training forward`);
  }
}

test('ResNet-18 equals torchvision\'s resnet18: evaluation and training forward, every gradient, the running statistics', { skip: !haveTorchvision && 'needs Debian python3-torchvision' }, () => {
  checkAgainstTorchvision(18, 64, 4);
});

test('ResNet-50 equals torchvision\'s resnet50: evaluation and training forward, every gradient, the running statistics', { skip: !haveTorchvision && 'needs Debian python3-torchvision' }, () => {
  checkAgainstTorchvision(50, 64, 2);
});
