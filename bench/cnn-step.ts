import { kernels, threads } from '../src/compute/index.js';
import { BatchNorm, Conv2d, Linear, MaxPool, Sequential, type Layer } from '../src/nn/index.js';
import { recordResult, runPython, timeIt } from './harness.js';

const channels = [1, 32, 64, 128];
const side = 32;
const embed = 128;

/** He-uniform weights from a fixed LCG, so facet and PyTorch train the same kind of model. */
function weights(n: number, fanIn: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const lim = Math.sqrt(6 / fanIn);
  return Float32Array.from({ length: n }, () => (((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1) * lim);
}

/** The same network, loss and SGD step on facet's own engine (hand-written backward over the native kernels). */
async function facetStepSeconds(batch: number, repeat: number): Promise<number> {
  const layers: Layer[] = [];
  let shape: readonly number[] = [side, side, 1];
  for (let l = 0; l < 3; l++) {
    layers.push(new Conv2d(`conv${l}`, shape, channels[l + 1], weights(9 * channels[l] * channels[l + 1], 9 * channels[l], l + 1)));
    shape = layers[layers.length - 1].outShape;
    layers.push(new BatchNorm(`bn${l}`, shape, { relu: true }), new MaxPool(`pool${l}`, shape, { size: 2, stride: 2 }));
    shape = layers[layers.length - 1].outShape;
  }
  const flat = (side / 8) ** 2 * channels[3];
  layers.push(new Linear('embed', shape, embed, weights(flat * embed, flat, 9)));
  const net = new Sequential('cnn', layers);
  const x = weights(batch * side * side, 3, 42);
  const dOut = new Float32Array(batch * embed);
  const trainable = net.params.filter((p) => p.grad);
  const step = () => {
    const out = net.forward(x, batch, true);
    for (let i = 0; i < out.length; i++) dOut[i] = (2 * out[i]) / out.length; // d mean(out²)
    net.backward(dOut);
    for (const p of trainable) for (let i = 0; i < p.value.length; i++) p.value[i] -= 0.01 * p.grad![i];
  };
  step();
  return timeIt(step, repeat);
}

const torchStep = `
import json, sys, time, torch
import torch.nn as nn
torch.manual_seed(0)
batch = int(sys.argv[1]); ch = [1, 32, 64, 128]
torch.set_num_threads(int(sys.argv[2]))
layers = []
for l in range(3):
    layers += [nn.Conv2d(ch[l], ch[l + 1], 3, padding=1, bias=False), nn.BatchNorm2d(ch[l + 1]), nn.ReLU(), nn.MaxPool2d(2)]
model = nn.Sequential(*layers, nn.Flatten(), nn.Linear(4 * 4 * 128, 128))
opt = torch.optim.SGD(model.parameters(), lr=0.01)
x = torch.rand(batch, 1, 32, 32) - 0.5
def step():
    opt.zero_grad(); loss = model(x).pow(2).mean(); loss.backward(); opt.step()
step(); best = 1e9
for _ in range(5):
    t = time.perf_counter(); step(); best = min(best, time.perf_counter() - t)
print(json.dumps({'seconds': best, 'torch': torch.__version__, 'threads': torch.get_num_threads()}))
`;

/**
 * One training step of a small CNN (batch 128, 32×32×1, conv+BN+ReLU+pool ×3, linear 128, loss mean
 * squared embedding, SGD): facet's engine vs PyTorch CPU at the same thread count, same run.
 */
export async function benchCnnStep(): Promise<void> {
  const batch = 128;
  const peer = runPython(torchStep, [String(batch), String(threads())]);
  const engine = await facetStepSeconds(batch, 5);
  recordResult({
    name: 'cnn-step',
    sizes: { batch, input: '32×32×1', blocks: 'conv3×3+BN+ReLU+maxpool ×3 (32, 64, 128 ch)', linear: embed },
    threads: threads(),
    seconds: engine,
    peer: { name: `PyTorch ${peer.torch} CPU (${peer.threads} threads)`, seconds: peer.seconds as number },
    extra: { engine: `facet layers on ${kernels().name} kernels` },
  });
}
