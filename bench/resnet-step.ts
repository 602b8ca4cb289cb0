import { threads } from '../src/compute/index.js';
import { Random } from '../src/data/random.js';
import { resnetModel, type ResNetDepth } from '../src/models/resnet.js';
import { defaultTrainConfig } from '../src/train/config.js';
import { ClassifierHead } from '../src/train/classifier-head.js';
import { applyUpdate, trainStep } from '../src/train/train-step.js';
import { emptyOptimizerState } from '../src/nn/optimizer.js';
import { TORCH_ARCFACE_STEP, peakRssMB, recordResult, runPython, timeIt } from './harness.js';

const dim = 128, classes = 100;

/** torchvision's ResNet with fc as the embedding layer, ArcFace (the reference's formula) and Adam: one step, best of 3; peak RSS before and after. */
const peerScript = `
import json, sys, time, math, resource, torch, torchvision
import torch.nn.functional as F
depth, B, S, d, C, threads = map(int, sys.argv[1:7])
torch.set_num_threads(threads)
rss = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
base = rss()
net = getattr(torchvision.models, 'resnet%d' % depth)(num_classes=d)
W = torch.nn.Parameter(torch.empty(C, d)); torch.nn.init.xavier_uniform_(W)
opt = torch.optim.Adam(list(net.parameters()) + [W], lr=1e-4)
net.train()
x = torch.randn(B, 3, S, S); y = torch.randint(0, C, (B,))
${TORCH_ARCFACE_STEP}print(json.dumps({'seconds': best, 'torch': torch.__version__, 'torchvision': torchvision.__version__, 'peakMB': rss(), 'baseMB': base}))
`;

/**
 * One training step of ResNet-18 / ResNet-50 (train-mode BatchNorm, ArcFace head, Adam on every
 * parameter and W) on random NHWC images, facet's engine vs torchvision + PyTorch at the same thread
 * count, same run. Memory: the process's peak RSS, and the peak above what the process held before
 * the model was built (PyTorch's import alone is a few hundred MB).
 */
async function benchResnetStep(depth: ResNetDepth, batch: number, side: number): Promise<void> {
  const base = peakRssMB();
  const rng = new Random(1);
  const model = resnetModel(depth, side, side, 3, dim, rng);
  const heads = [new ClassifierHead(classes, dim, { ...defaultTrainConfig, loss: 'arcface', scale: 64, margin: 0.5 }, rng)];
  const x = Float32Array.from({ length: batch * side * side * 3 }, () => rng.normal());
  const labels = Int32Array.from({ length: batch }, (_, i) => i % classes);
  const adam = { kind: 'adam' as const, weightDecay: 0, momentum: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
  const state = emptyOptimizerState();
  const step = () => applyUpdate(model, heads, trainStep(model, heads, [{ x, labels }]), 1e-4, 1e-4, adam, state);
  step();
  const seconds = await timeIt(step, 3);
  const peak = peakRssMB();
  const peer = runPython(peerScript, [depth, batch, side, dim, classes, threads()].map(String));
  recordResult({
    name: `resnet${depth}-step`,
    sizes: { model: `resnet${depth}`, batch, image: `${side}×${side}×3`, dim, classes, head: 'arcface', optimizer: 'adam' },
    threads: threads(),
    seconds,
    peakMemoryMB: +peak.toFixed(1),
    peer: { name: `torchvision ${peer.torchvision} + PyTorch ${peer.torch} CPU (${threads()} threads)`, seconds: peer.seconds as number, peakMemoryMB: +(peer.peakMB as number).toFixed(1) },
    extra: {
      engine: 'facet layers (src/nn)',
      peakAboveBaseMB: +(peak - base).toFixed(1),
      peerPeakAboveBaseMB: +((peer.peakMB as number) - (peer.baseMB as number)).toFixed(1),
      memoryRatioToPeer: +(peak / (peer.peakMB as number)).toFixed(3),
    },
  });
}

export const benchResnet18Step = () => benchResnetStep(18, 32, 112);
export const benchResnet50Step = () => benchResnetStep(50, 16, 224);
