import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '../src/compute/backend.js';
import { kernels, threads } from '../src/compute/index.js';
import { BatchNorm, Conv2d, Linear, MaxPool, Sequential, type Layer } from '../src/nn/index.js';
import { recordResult, runPython, timeIt } from './harness.js';

const channels = [1, 32, 64, 128];
const side = 32;
const embed = 128;

/** He-uniform weights from a fixed LCG, so every backend trains the same model. */
function weights(shape: number[], fanIn: number, seed: number): tf.Tensor {
  let s = seed >>> 0;
  const lim = Math.sqrt(6 / fanIn);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => (((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1) * lim), shape);
}

/** (conv 3×3 + BN + ReLU + 2×2 max-pool) ×3, then linear 128; loss = mean squared embedding (any scalar loss exercises every gradient). */
function loss(x: tf.Tensor4D, p: tf.Tensor[]): tf.Scalar {
  let h = x;
  for (let l = 0; l < 3; l++) {
    const [w, gamma, beta] = p.slice(3 * l, 3 * l + 3);
    const c = tf.conv2d(h, w as tf.Tensor4D, 1, 'same');
    const { mean, variance } = tf.moments(c, [0, 1, 2]);
    h = tf.maxPool(tf.relu(tf.batchNorm(c, mean, variance, beta, gamma, 1e-5)) as tf.Tensor4D, 2, 2, 'valid');
  }
  const flat = tf.reshape(h, [x.shape[0], -1]) as tf.Tensor2D;
  const out = tf.add(tf.matMul(flat, p[9] as tf.Tensor2D), p[10]);
  return tf.mean(tf.square(out));
}

async function tfjsStepSeconds(backend: 'native' | 'cpu', batch: number, repeat: number): Promise<number> {
  await setupBackend(backend);
  const params: tf.Variable[] = [];
  for (let l = 0; l < 3; l++) {
    params.push(tf.variable(weights([3, 3, channels[l], channels[l + 1]], 9 * channels[l], l + 1)));
    params.push(tf.variable(tf.ones([channels[l + 1]])), tf.variable(tf.zeros([channels[l + 1]])));
  }
  const flat = (side / 8) ** 2 * channels[3];
  params.push(tf.variable(weights([flat, embed], flat, 9)), tf.variable(tf.zeros([embed])));
  const x = weights([batch, side, side, 1], 3, 42) as tf.Tensor4D;
  const step = () => tf.tidy(() => {
    const { grads } = tf.variableGrads(() => loss(x, params), params);
    params.forEach((v) => v.assign(tf.sub(v, tf.mul(grads[v.name], 0.01))));
  });
  step(); // warm-up: kernel setup and first allocations
  const seconds = await timeIt(step, repeat);
  params.forEach((v) => v.dispose());
  x.dispose();
  return seconds;
}

/** The same network, loss and SGD step on facet's own engine (hand-written backward over the native kernels). */
async function facetStepSeconds(batch: number, repeat: number): Promise<number> {
  const layers: Layer[] = [];
  let shape: readonly number[] = [side, side, 1];
  for (let l = 0; l < 3; l++) {
    const w = weights([3, 3, channels[l], channels[l + 1]], 9 * channels[l], l + 1);
    layers.push(new Conv2d(`conv${l}`, shape, channels[l + 1], w.dataSync() as Float32Array));
    w.dispose();
    shape = layers[layers.length - 1].outShape;
    layers.push(new BatchNorm(`bn${l}`, shape, { relu: true }), new MaxPool(`pool${l}`, shape, { size: 2, stride: 2 }));
    shape = layers[layers.length - 1].outShape;
  }
  const flat = (side / 8) ** 2 * channels[3];
  const w = weights([flat, embed], flat, 9);
  layers.push(new Linear('embed', shape, embed, w.dataSync() as Float32Array));
  w.dispose();
  const net = new Sequential('cnn', layers);
  const xt = weights([batch, side, side, 1], 3, 42), x = xt.dataSync() as Float32Array;
  xt.dispose();
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
 * One training step of a small CNN (batch 128, 32×32×1, conv+BN+ReLU+pool ×3, linear 128): facet's
 * own engine (`seconds`), tfjs autodiff on facet's `native` backend, and PyTorch CPU at the same
 * thread count, same run; plain tfjs `cpu` is timed at a smaller batch (FACET_CNN_CPU_BATCH,
 * default 8) and scaled linearly, because at batch 128 it takes minutes. FACET_CNN_SKIP_TFJS=1
 * leaves the two tfjs columns out (they take minutes).
 */
export async function benchCnnStep(): Promise<void> {
  const batch = 128;
  const cpuBatch = Number(process.env.FACET_CNN_CPU_BATCH ?? 8);
  const peer = runPython(torchStep, [String(batch), String(threads())]);
  const engine = await facetStepSeconds(batch, 5);
  const skipTfjs = process.env.FACET_CNN_SKIP_TFJS === '1';
  const native = skipTfjs ? undefined : await tfjsStepSeconds('native', batch, 3);
  const cpu = skipTfjs ? undefined : await tfjsStepSeconds('cpu', cpuBatch, 1);
  recordResult({
    name: 'cnn-step',
    sizes: { batch, input: '32×32×1', blocks: 'conv3×3+BN+ReLU+maxpool ×3 (32, 64, 128 ch)', linear: embed },
    threads: threads(),
    seconds: engine,
    peer: { name: `PyTorch ${peer.torch} CPU (${peer.threads} threads)`, seconds: peer.seconds as number },
    extra: {
      engine: `facet layers on ${kernels().name} kernels`,
      tfjsNativeSeconds: native === undefined ? undefined : +native.toFixed(3),
      tfjsNativeRatioToPeer: native === undefined ? undefined : +(native / (peer.seconds as number)).toFixed(3),
      cpuBackendSecondsScaled: cpu === undefined ? undefined : +((cpu * batch) / cpuBatch).toFixed(3), cpuBackendBatch: cpuBatch,
    },
  });
}
