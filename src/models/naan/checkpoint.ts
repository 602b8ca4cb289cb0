import * as tf from '@tensorflow/tfjs-core';
import { existsSync } from 'node:fs';
import { readJsonFile, writeFileAtomic } from '../../data/files/index.js';
import type { NaanConfig, NaanParams } from './model.js';

export interface NaanTrainState {
  epoch: number;
  /** steps done inside `epoch` */
  step: number;
  /** Adam steps done in all */
  adamStep: number;
  /** the seeded shuffle of this epoch is re-derived from seed + epoch */
  seed: number;
}

export interface NaanCheckpoint {
  format: 'facet-naan-1';
  config: NaanConfig & { kHops: [number, number]; sampleHops: number };
  state: NaanTrainState;
  params: Record<string, { shape: number[]; data: number[] }>;
  adam?: { m: Record<string, number[]>; v: Record<string, number[]> };
}

const flat = (t: tf.Tensor) => Array.from(t.dataSync());

/** Writes the model (and Adam's moments) atomically: a crash mid-write leaves the old file intact. */
export function saveCheckpoint(path: string, c: NaanCheckpoint['config'], state: NaanTrainState, params: NaanParams, adam?: { m: Record<string, Float32Array>; v: Record<string, Float32Array> }): void {
  const ck: NaanCheckpoint = {
    format: 'facet-naan-1',
    config: c,
    state,
    params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, { shape: v.shape, data: flat(v) }])),
    adam: adam && {
      m: Object.fromEntries(Object.entries(adam.m).map(([k, v]) => [k, Array.from(v)])),
      v: Object.fromEntries(Object.entries(adam.v).map(([k, v]) => [k, Array.from(v)])),
    },
  };
  writeFileAtomic(path, JSON.stringify(ck));
}

export function loadCheckpoint(path: string): NaanCheckpoint {
  if (!existsSync(path)) throw new Error(`${path}: checkpoint not found`);
  const ck = readJsonFile<NaanCheckpoint>(path);
  if (ck.format !== 'facet-naan-1') throw new Error(`${path}: not a facet NAAN checkpoint (format ${String(ck.format)})`);
  return ck;
}

/** Checkpoint tensors as variables. */
export function paramsOf(ck: NaanCheckpoint): NaanParams {
  return Object.fromEntries(Object.entries(ck.params).map(([k, v]) => [k, tf.variable(tf.tensor(v.data, v.shape))]));
}
