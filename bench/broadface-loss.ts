import { kernels, threads } from '../src/compute/index.js';
import { BroadFaceHead } from '../src/heads/broadface.js';
import { peakRssMB, recordResult, runPython, timeIt } from './harness.js';

interface Shape { queue: number; batch: number; dim: number; classes: number }

/** SOP's shapes (the BroadFace reference's): batch 128, d 128, 11,318 classes */
const sop = { batch: 128, dim: 128, classes: 11318 };
/** the glyphs data set at ≥ 10k classes (issue #13): 10,470 classes, batch 64, d 128 and 64, queue 32,000 */
const glyphs = [128, 64].map((dim) => ({ queue: 32000, batch: 64, dim, classes: 10470 }));

function uniform(n: number, scale: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1) * scale;
  return a;
}

/** One BroadFace head step (batch + broad loss, closed-form gradients, compensation) with a full queue. */
async function facetStep({ queue, batch, dim, classes }: Shape): Promise<{ seconds: number; extraMB: number }> {
  const W = uniform(classes * dim, Math.sqrt(6 / (classes + dim)), 1);
  const head = new BroadFaceHead(classes, dim, { kind: 'arcface', scale: 64, margin: 0.5, queueSize: queue, compensate: true });
  const labels = Int32Array.from({ length: queue }, (_, i) => (i * 7919) % classes);
  head.queue.restore({ features: uniform(queue * dim, 1, 2), proxies: uniform(queue * dim, 0.02, 3), labels });
  const e = uniform(batch * dim, 1, 4);
  const y = Int32Array.from({ length: batch }, (_, i) => (i * 31) % classes);
  const baseline = process.memoryUsage().rss / 2 ** 20;
  const seconds = await timeIt(() => head.step(e, y, W), 1);
  return { seconds, extraMB: peakRssMB() - baseline };
}

// the reference's BroadFaceArcFace.forward + backward (broadface/loss.py), on CPU
const peerScript = `
import json, resource, sys, time, math, torch
import torch.nn.functional as F
Q, B, d, C, threads = map(int, sys.argv[1:6])
torch.set_num_threads(threads)
s, m = 64.0, 0.5
cos_m, sin_m, th, mm = math.cos(m), math.sin(m), math.cos(math.pi - m), math.sin(math.pi - m) * m
def arcface(x, y, w):
    cosine = F.linear(F.normalize(x), F.normalize(w))
    sine = torch.sqrt(1.0 - torch.pow(cosine, 2))
    phi = cosine * cos_m - sine * sin_m
    phi = torch.where(cosine > th, phi, cosine - mm)
    one_hot = torch.zeros(cosine.size()); one_hot.scatter_(1, y.view(-1, 1).long(), 1)
    return F.cross_entropy((one_hot * phi + (1.0 - one_hot) * cosine) * s, y)
torch.manual_seed(0)
W = torch.nn.Parameter(torch.empty(C, d)); torch.nn.init.xavier_uniform_(W)
feature_mb = torch.randn(Q, d); proxy_mb = torch.randn(Q, d) * 0.02; label_mb = torch.randint(0, C, (Q,))
x = torch.randn(B, d, requires_grad=True); y = torch.randint(0, C, (B,))
def rss(): return int(open('/proc/self/statm').read().split()[1]) * 4096 / 2**20
base = rss()
t = time.perf_counter()
delta = W.data[label_mb] - proxy_mb
upd = feature_mb + feature_mb.norm(p=2, dim=1, keepdim=True) / proxy_mb.norm(p=2, dim=1, keepdim=True) * delta
loss = arcface(x, y, W.data) + arcface(torch.cat([upd, x.data]), torch.cat([label_mb, y]), W)
loss.backward()
seconds = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({'seconds': seconds, 'extraMB': peak - base, 'torch': torch.__version__}))
`;

/**
 * BroadFace head step at SOP shapes (batch 128, d 128, 11,318 classes, compensation): facet's chunked
 * closed-form step vs the reference's autograd step in PyTorch CPU, same threads, same run.
 * "extra memory" is peak RSS minus RSS just before the step. The reference's step needs ~15 GB at
 * queue 32,000 (more than this machine can spare beside other work), so the peer runs at the queue
 * size in FACET_BENCH_PEER_QUEUE (default 8,000) and facet runs at both that size and 32,000. Then facet
 * alone at the glyphs' shapes, queue 32,000: the reference would need ~11 GB there (its 3,011 MB at
 * 8,128 × 11,318 logits is 33 bytes a logit; 32,064 × 10,470 are 336 M).
 */
export async function benchBroadFaceLoss(): Promise<void> {
  const peerQueue = Number(process.env.FACET_BENCH_PEER_QUEUE ?? 8000);
  for (const shape of [{ ...sop, queue: peerQueue }, { ...sop, queue: 32000 }, ...glyphs]) {
    const { queue, batch, dim, classes } = shape;
    const f = await facetStep(shape);
    const peer = queue === peerQueue && classes === sop.classes
      ? runPython(peerScript, [queue, batch, dim, classes, threads()].map(String))
      : undefined;
    recordResult({
      name: 'broadface-loss',
      sizes: { queue, batch, dim, classes },
      threads: threads(),
      seconds: f.seconds,
      peakMemoryMB: +f.extraMB.toFixed(1),
      peer: peer && { name: `PyTorch ${peer.torch} CPU (reference BroadFaceArcFace forward+backward)`, seconds: peer.seconds as number, peakMemoryMB: +(peer.extraMB as number).toFixed(1) },
      extra: { kernels: kernels().name, memory: 'extra peak RSS of the step, MB' },
    });
  }
}
