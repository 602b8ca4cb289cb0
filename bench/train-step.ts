import { kernels, threads } from '../src/compute/index.js';
import { Random } from '../src/data/random.js';
import { smallCnnModel } from '../src/models/small-cnn.js';
import { defaultTrainConfig } from '../src/train/config.js';
import { ClassifierHead } from '../src/train/classifier-head.js';
import { applyUpdate, trainStep } from '../src/train/train-step.js';
import { emptyOptimizerState } from '../src/nn/optimizer.js';
import { TORCH_ARCFACE_STEP, recordResult, runPython, timeIt } from './harness.js';

const batch = 128, size = 32, dim = 128, classes = 10;

const peerScript = `
import json, sys, time, math, torch
import torch.nn as nn, torch.nn.functional as F
B, S, d, C, threads = map(int, sys.argv[1:6])
torch.set_num_threads(threads)
# facet's small CNN: (conv 3×3 no bias + BN + ReLU + 2×2 max-pool) ×3 (32, 64, 128 ch), flatten, linear
ch, blocks = [1, 32, 64, 128], []
for l in range(3):
    blocks += [nn.Conv2d(ch[l], ch[l + 1], 3, padding=1, bias=False), nn.BatchNorm2d(ch[l + 1]), nn.ReLU(), nn.MaxPool2d(2)]
net = nn.Sequential(*blocks, nn.Flatten(), nn.Linear(128 * (S // 8) ** 2, d))
W = nn.Parameter(torch.empty(C, d)); nn.init.xavier_uniform_(W)
opt = torch.optim.Adam(list(net.parameters()) + [W], lr=1e-4, weight_decay=1e-5)
x = torch.randn(B, 1, S, S); y = torch.randint(0, C, (B,))
${TORCH_ARCFACE_STEP}print(json.dumps({'seconds': best, 'torch': torch.__version__}))
`;

/** One whole training step (small CNN forward/backward, ArcFace head, gradients) at batch 128 of 32×32 grey images vs PyTorch CPU. */
export async function benchTrainStep(): Promise<void> {
  const rng = new Random(1);
  const model = smallCnnModel(size, size, 1, dim, rng);
  const heads = [new ClassifierHead(classes, dim, { ...defaultTrainConfig, loss: 'arcface', scale: 64, margin: 0.5 }, rng)];
  const x = Float32Array.from({ length: batch * size * size }, () => rng.normal());
  const labels = Int32Array.from({ length: batch }, (_, i) => i % classes);
  const adam = { kind: 'adam' as const, weightDecay: 1e-5, momentum: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
  const state = emptyOptimizerState();
  const step = () => applyUpdate(model, heads, trainStep(model, heads, [{ x, labels }]), 1e-4, 1e-4, adam, state);
  step();
  const seconds = await timeIt(step, 3);
  const peer = runPython(peerScript, [batch, size, dim, classes, threads()].map(String));
  recordResult({
    name: 'train-step',
    sizes: { model: 'small-cnn', batch, image: `${size}×${size}×1`, dim, classes },
    threads: threads(),
    seconds,
    peer: { name: `PyTorch ${peer.torch} CPU (same CNN, ArcFace, Adam step)`, seconds: peer.seconds as number },
    extra: { engine: `facet layers on ${kernels().name} kernels` },
  });
}
