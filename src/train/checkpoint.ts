import { existsSync } from 'node:fs';
import type { ImageNormalization } from '../data/images/normalization.js';
import { join } from 'node:path';
import { readJsonFile, writeFileAtomic } from '../data/files/index.js';
import type { QueueSnapshot } from '../heads/feature-queue.js';

/**
 * Everything a run needs to continue exactly: model parameters, each head's W and BroadFace queue,
 * optimiser moments, schedule position (epoch), the position in the epoch's sample order, RNG state
 * and how many metrics lines had been written. One JSON file with float arrays as base64, written
 * atomically (temp file + rename), so an interrupted save never leaves a half-written checkpoint.
 */
export interface Checkpoint {
  version: 2;
  config: Record<string, unknown>;
  epoch: number;
  /** batches done in `epoch` */
  stepInEpoch: number;
  globalStep: number;
  /** each data source's sample order and position in it */
  cursors: { order: Int32Array; pos: number }[];
  rng: { state: number; spareNormal?: number };
  params: Record<string, { shape: number[]; data: Float32Array }>;
  /** per classifier head: W and the BroadFace queue (empty without one) */
  heads: { weight: Float32Array; queue: QueueSnapshot }[];
  optimizer: { step: number; m: Record<string, Float32Array>; v: Record<string, Float32Array> };
  metricsLines: number;
  history: Record<string, unknown>[];
  epochLoss: { sum: number; steps: number };
  /** per-sample input shape the model was built for ([d] or [h, w, c]); absent in older checkpoints */
  sampleShape?: number[];
  /** how the training images' pixels were scaled (datasetNormalization); absent for features and in older checkpoints */
  imageNormalization?: ImageNormalization;
  /** the best validation epoch so far and its parameters */
  best?: { epoch: number; metric: string; score: number; params: Record<string, { shape: number[]; data: Float32Array }> };
}

export const checkpointFile = (runDir: string) => join(runDir, 'checkpoint.json');

const F32 = '__f32', I32 = '__i32';

function encode(_key: string, v: unknown): unknown {
  if (v instanceof Float32Array) return { [F32]: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
  if (v instanceof Int32Array) return { [I32]: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
  return v;
}

function decode(_key: string, v: unknown): unknown {
  if (v && typeof v === 'object' && (F32 in v || I32 in v)) {
    const b = Buffer.from((v as Record<string, string>)[F32] ?? (v as Record<string, string>)[I32], 'base64');
    const copy = new Uint8Array(b).buffer;
    return F32 in v ? new Float32Array(copy) : new Int32Array(copy);
  }
  return v;
}

export function saveCheckpoint(runDir: string, c: Checkpoint): void {
  writeFileAtomic(checkpointFile(runDir), JSON.stringify(c, encode));
}

export function loadCheckpoint(runDir: string): Checkpoint {
  const file = checkpointFile(runDir);
  if (!existsSync(file)) throw new Error(`${runDir}: no checkpoint.json there (not a facet train run folder)`);
  const c = readJsonFile<Checkpoint>(file, decode);
  if (c.version !== 2) throw new Error(`${file}: checkpoint version ${c.version} is not this facet's (2); train again or use the facet that wrote it`);
  return c;
}
