import { kernels, threads } from '../src/compute/index.js';
import { Random } from '../src/data/random.js';
import { BatchNorm, Conv2d, GlobalAvgPool, Linear, MaxPool, ResidualBlock, Sequential, type Layer } from '../src/nn/index.js';
import { recordResult, runPython } from './harness.js';

const batch = 32, side = 112, classes = 1000, steps = 3;

interface LayerTime { count: number; forward: number; backward: number }

/** Wraps a layer so that its forward and backward add their wall-clock seconds to times[key]. */
function timed(layer: Layer, key: string, times: Map<string, LayerTime>): Layer {
  const t = times.get(key) ?? { count: 0, forward: 0, backward: 0 };
  t.count++;
  times.set(key, t);
  const clock = <T>(what: 'forward' | 'backward', f: () => T): T => {
    const t0 = process.hrtime.bigint(), out = f();
    t[what] += Number(process.hrtime.bigint() - t0) / 1e9;
    return out;
  };
  return {
    name: layer.name, inShape: layer.inShape, outShape: layer.outShape, params: layer.params,
    forward: (x, n, training) => clock('forward', () => layer.forward(x, n, training)),
    backward: (dy, needDx) => clock('backward', () => layer.backward(dy, needDx)),
  };
}

/** torchvision's ResNet-18 on facet's layers (He-uniform filters), every leaf layer timed under a key naming its kind and shape. */
function resnet18(times: Map<string, LayerTime>): Sequential {
  const rng = new Random(1);
  const conv = (name: string, shape: readonly number[], oc: number, size: number, stride: number) => {
    const fanIn = size * size * shape[2], a = Math.sqrt(6 / fanIn);
    const l = new Conv2d(name, shape, oc, Float32Array.from({ length: fanIn * oc }, () => (rng.next() * 2 - 1) * a), { size, stride });
    return timed(l, `conv ${size}×${size}/${stride} ${shape[2]}→${oc} on ${shape[0]}×${shape[1]}`, times);
  };
  const bn = (name: string, shape: readonly number[], relu: boolean) =>
    timed(new BatchNorm(name, shape, { relu }), `BatchNorm${relu ? '+ReLU' : ''} ${shape.join('×')}`, times);
  const stem = conv('conv1', [side, side, 3], 64, 7, 2);
  const pool = timed(new MaxPool('maxpool', stem.outShape, { size: 3, stride: 2, pad: 1 }), `max-pool 3×3/2 ${stem.outShape.join('×')}`, times);
  const layers: Layer[] = [stem, bn('bn1', stem.outShape, true), pool];
  let shape = pool.outShape;
  [64, 128, 256, 512].forEach((planes, stage) => {
    for (let b = 0; b < 2; b++) {
      const name = `layer${stage + 1}.${b}`, stride = stage > 0 && b === 0 ? 2 : 1;
      const c1 = conv(`${name}.conv1`, shape, planes, 3, stride), c2 = conv(`${name}.conv2`, c1.outShape, planes, 3, 1);
      const down = stride !== 1 || shape[2] !== planes ? conv(`${name}.downsample.0`, shape, planes, 1, stride) : undefined;
      layers.push(new ResidualBlock(name, [c1, bn(`${name}.bn1`, c1.outShape, true), c2, bn(`${name}.bn2`, c2.outShape, false)],
        down && [down, bn(`${name}.downsample.1`, down.outShape, false)]));
      shape = c2.outShape;
    }
  });
  const gap = timed(new GlobalAvgPool('avgpool', shape), 'global average pool', times);
  const fc = timed(new Linear('fc', [shape[2]], classes, Float32Array.from({ length: shape[2] * classes }, () => (rng.next() * 2 - 1) * 0.05)), 'linear', times);
  return new Sequential('resnet18', [...layers, gap, fc]);
}

const torchStep = String.raw`
import json, sys, time, torch, torchvision
batch, side, threads = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(threads)
torch.manual_seed(0)
model = torchvision.models.resnet18(num_classes=1000).train()
x = torch.randn(batch, 3, side, side)
r = torch.randn(batch, 1000)
def step():
    model.zero_grad(set_to_none=True)
    (model(x) * r).sum().backward()
step()
best = float('inf')
for _ in range(3):
    t = time.perf_counter(); step(); best = min(best, time.perf_counter() - t)
print(json.dumps({'seconds': best, 'torch': torch.__version__, 'torchvision': torchvision.__version__, 'threads': torch.get_num_threads()}))
`;

/**
 * One ResNet-18 training step (batch 32, 112×112×3, forward + backward of Σ r·logits) on facet's
 * layers, with the time of every leaf layer (conv, BatchNorm, pool, …) by kind and shape, summed over
 * the step; "residual joins and the rest" is what the step spent outside them. Peer: torchvision's
 * resnet18 in PyTorch CPU at the same thread count, same run.
 */
export async function benchResnetLayers(): Promise<void> {
  const peer = runPython(torchStep, [String(batch), String(side), String(threads())]);
  const times = new Map<string, LayerTime>(), net = resnet18(times);
  const rng = new Random(2), x = Float32Array.from({ length: batch * side * side * 3 }, () => rng.normal());
  const r = Float32Array.from({ length: batch * classes }, () => rng.normal());
  const step = () => {
    const t0 = process.hrtime.bigint();
    net.forward(x, batch, true);
    net.backward(r, false);
    return Number(process.hrtime.bigint() - t0) / 1e9;
  };
  step();
  for (const t of times.values()) t.forward = t.backward = 0;
  let total = 0, best = Infinity;
  for (let i = 0; i < steps; i++) {
    const s = step();
    total += s;
    best = Math.min(best, s);
  }
  const ms = (s: number) => +((s / steps) * 1000).toFixed(1);
  const rows = [...times].map(([key, t]) => ({ layer: key, count: t.count, forwardMs: ms(t.forward), backwardMs: ms(t.backward) }));
  const inLayers = [...times.values()].reduce((a, t) => a + t.forward + t.backward, 0);
  rows.sort((a, b) => b.forwardMs + b.backwardMs - a.forwardMs - a.backwardMs);
  recordResult({
    name: 'resnet-layers',
    sizes: { batch, input: `${side}×${side}×3`, network: 'ResNet-18', classes },
    threads: threads(),
    seconds: best,
    peer: { name: `PyTorch ${peer.torch} CPU torchvision ${peer.torchvision} resnet18 (${peer.threads} threads)`, seconds: peer.seconds as number },
    extra: { engine: `facet layers on ${kernels().name} kernels`, meanStepSeconds: +(total / steps).toFixed(3), layers: rows, residualJoinsAndRestMs: ms(total - inLayers) },
  });
}
