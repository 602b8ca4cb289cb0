import { existsSync } from 'node:fs';
import { readJsonFile, writeFileAtomic } from '../../data/files/index.js';
import { naanShapes, type NaanConfig, type NaanParams } from './model.js';

export interface NaanTrainState {
  epoch: number;
  /** steps done inside `epoch` */
  step: number;
  /** Adam steps done in all */
  adamStep: number;
  /** the seeded shuffle of this epoch is re-derived from seed + epoch */
  seed: number;
  /** held-out checks so far (training until they plateau), and whether they did */
  checks?: { step: number; score: number }[];
  plateaued?: boolean;
}

export interface NaanCheckpoint {
  format: 'facet-naan-1';
  config: NaanConfig & { kHops: [number, number]; sampleHops: number };
  state: NaanTrainState;
  params: Record<string, { shape: number[]; data: number[] }>;
  adam?: { m: Record<string, number[]>; v: Record<string, number[]> };
  /** the parameters at the best held-out check so far (training until a plateau), restored when it ends */
  best?: Record<string, number[]>;
}

/** Writes the model (and Adam's moments) atomically: a crash mid-write leaves the old file intact. */
export function saveCheckpoint(path: string, c: NaanCheckpoint['config'], state: NaanTrainState, params: NaanParams, adam?: { m: Record<string, Float32Array>; v: Record<string, Float32Array> }, best?: NaanParams): void {
  const shapes = naanShapes(c);
  const ck: NaanCheckpoint = {
    format: 'facet-naan-1',
    config: c,
    state,
    params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, { shape: shapes[k], data: Array.from(v) }])),
    adam: adam && {
      m: Object.fromEntries(Object.entries(adam.m).map(([k, v]) => [k, Array.from(v)])),
      v: Object.fromEntries(Object.entries(adam.v).map(([k, v]) => [k, Array.from(v)])),
    },
    best: best && Object.fromEntries(Object.entries(best).map(([k, v]) => [k, Array.from(v)])),
  };
  writeFileAtomic(path, JSON.stringify(ck));
}

export function loadCheckpoint(path: string): NaanCheckpoint {
  if (!existsSync(path)) throw new Error(`${path}: checkpoint not found`);
  const ck = readJsonFile<NaanCheckpoint>(path);
  if (ck.format !== 'facet-naan-1') throw new Error(`${path}: not a facet NAAN checkpoint (format ${String(ck.format)})`);
  for (const [k, shape] of Object.entries(naanShapes(ck.config))) {
    const v = ck.params?.[k];
    if (!v) throw new Error(`${path}: parameter ${k} is missing`);
    const size = shape.reduce((a, b) => a * b, 1);
    if (v.data.length !== size) throw new Error(`${path}: parameter ${k} has ${v.data.length} values, the ${ck.config.dim}-d model needs [${shape.join(', ')}]`);
  }
  return ck;
}

/** The checkpoint's parameters as arrays (in naanShapes order). */
export function paramsOf(ck: NaanCheckpoint): NaanParams {
  return Object.fromEntries(Object.keys(naanShapes(ck.config)).map((k) => [k, Float32Array.from(ck.params[k].data)]));
}
