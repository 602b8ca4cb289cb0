import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { openDataset, packInsightface } from '../src/data/datasets/index.js';
import { readVerificationBin, writeVerificationBin } from '../src/data/files/index.js';
import { decodeEncodedImages } from '../src/data/images/index.js';
import { benchDir, peakRssMB, recordResult, runPython, timeIt } from './harness.js';

const images = Number(process.env.FACET_BENCH_IMAGES ?? 6000);
const classes = 200;
const batch = 128;
const dir = resolve(benchDir, `../.data/bench-insightface-${images}`);

/** 112×112 aligned-face-sized JPEGs (noisy, so decoding does real work), packed once into train.rec, and a .bin of images/2 pairs */
async function makeData(): Promise<void> {
  if (existsSync(join(dir, 'done'))) return;
  const encoded: Uint8Array[] = [];
  for (let i = 0; i < images; i++) {
    const cls = join(dir, 'photos', `id${i % classes}`);
    mkdirSync(cls, { recursive: true });
    const jpg = await sharp({ create: { width: 112, height: 112, channels: 3, background: { r: i % 255, g: 90, b: 160 }, noise: { type: 'gaussian', mean: 120, sigma: 40 } } })
      .jpeg({ quality: 95 }).toBuffer();
    await sharp(jpg).toFile(join(cls, `${i}.jpg`));
    encoded.push(jpg);
  }
  await packInsightface(`folder:${join(dir, 'photos')}`, { out: join(dir, 'rec'), size: 112 });
  writeVerificationBin(join(dir, 'pairs.bin'), encoded, Array.from({ length: images / 2 }, (_, p) => p % 2 === 0));
  mkdirSync(join(dir, 'done'));
}

/**
 * Reading insightface's files into network inputs, in images/s: every record of a train.rec decoded and
 * scaled as arcface_torch ((x/255 − 0.5)/0.5), and a verification .bin unpickled and decoded, by facet
 * (sharp in libuv's threads) vs Debian's Python doing what insightface does (MXFaceDataset's record
 * reads and load_bin's pickle.load) with Pillow standing in for mxnet's imdecode (mxnet is not in Debian).
 */
export async function benchInsightfaceIo(): Promise<void> {
  await makeData();
  const ds = openDataset(`insightface:${join(dir, 'rec')}`, { split: 'train' });
  const recSeconds = await timeIt(async () => {
    for (let i = 0; i < ds.items.length; i += batch) {
      const b = await ds.load(Int32Array.from({ length: Math.min(batch, ds.items.length - i) }, (_, r) => i + r), { train: false });
      if (b.labels.length === 0) throw new Error('empty batch');
    }
  });
  const binSeconds = await timeIt(async () => {
    const bin = readVerificationBin(join(dir, 'pairs.bin'));
    await decodeEncodedImages(bin.images, 112, 112, 3, (i) => `image ${i}`);
  });
  const peer = runPython(`
import sys, io, struct, time, json, pickle
import numpy as np
from PIL import Image
import PIL
root = sys.argv[1]
def decode(b):
    return (np.asarray(Image.open(io.BytesIO(b)).convert('RGB'), np.float32) / 255 - 0.5) / 0.5
idx = [tuple(map(int, l.split('\\t'))) for l in open(root + '/rec/train.idx') if l.strip()]
t = time.perf_counter()
with open(root + '/rec/train.rec', 'rb') as f:
    data = f.read()
def record(o):
    # dmlc framing: a record split at an aligned magic number continues (cflag 1, 2) until its last part (3)
    out = b''
    while True:
        magic, lrec = struct.unpack('<II', data[o:o + 8])
        cflag, n = lrec >> 29, lrec & ((1 << 29) - 1)
        out += data[o + 8:o + 8 + n]
        o += 8 + ((n + 3) & ~3)
        if cflag in (0, 3): return out
        out += struct.pack('<I', 0xced7230a)
off = dict(idx)
flag, label, _, _ = struct.unpack('<IfQQ', record(off[0])[:24])
first = struct.unpack('<f', record(off[0])[24:28])[0]
# MXFaceDataset: the images are keys 1 .. label[0] - 1 of header record 0
for key in range(1, int(first)):
    rec = record(off[key])
    flag, label, _, _ = struct.unpack('<IfQQ', rec[:24])
    decode(rec[24 + 4 * flag:])
rec_seconds = time.perf_counter() - t
t = time.perf_counter()
with open(root + '/pairs.bin', 'rb') as f:
    bins, issame = pickle.load(f, encoding='bytes')
for b in bins:
    np.asarray(Image.open(io.BytesIO(b)).convert('RGB'))
bin_seconds = time.perf_counter() - t
print(json.dumps({"rec": rec_seconds, "bin": bin_seconds, "version": PIL.__version__, "python": sys.version.split()[0]}))
`, [dir]) as { rec: number; bin: number; version: string; python: string };
  const peerName = `Python ${peer.python} pickle/struct + Pillow ${peer.version} (Debian), one process`;
  recordResult({
    name: 'insightface-rec-read',
    sizes: { images: ds.items.length, image: '112x112 JPEG', output: '112x112x3 float32', batch },
    threads: Number(process.env.UV_THREADPOOL_SIZE ?? 4),
    seconds: recSeconds,
    peakMemoryMB: peakRssMB(),
    peer: { name: peerName, seconds: peer.rec },
    extra: { facetImagesPerSecond: +(ds.items.length / recSeconds).toFixed(1), peerImagesPerSecond: +(ds.items.length / peer.rec).toFixed(1) },
  });
  recordResult({
    name: 'insightface-bin-read',
    sizes: { images, pairs: images / 2, bytes: readFileSync(join(dir, 'pairs.bin')).length },
    threads: Number(process.env.UV_THREADPOOL_SIZE ?? 4),
    seconds: binSeconds,
    peakMemoryMB: peakRssMB(),
    peer: { name: peerName, seconds: peer.bin },
    extra: { facetImagesPerSecond: +(images / binSeconds).toFixed(1), peerImagesPerSecond: +(images / peer.bin).toFixed(1) },
  });
}
