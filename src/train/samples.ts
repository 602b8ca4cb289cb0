import { UNLABELLED } from '../data/files/index.js';

/** Labelled samples in memory: n inputs of `sampleShape` (row-major) and their labels. */
export interface Samples {
  x: Float32Array;
  n: number;
  sampleShape: number[];
  labels: Int32Array;
}

export const sampleSize = (s: Samples) => s.sampleShape.reduce((a, b) => a * b, 1);

/** How many labels are not −1. */
export function countLabelled(labels: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] !== UNLABELLED) n++;
  return n;
}

/** `s` without its unlabelled rows, and how many there were (no copy when there are none). */
export function withoutUnlabelled(s: Samples): { samples: Samples; ignored: number } {
  const keep: number[] = [];
  for (let i = 0; i < s.n; i++) if (s.labels[i] !== UNLABELLED) keep.push(i);
  if (keep.length === s.n) return { samples: s, ignored: 0 };
  return { samples: { ...gatherRows(s, keep), n: keep.length, sampleShape: s.sampleShape }, ignored: s.n - keep.length };
}

/** Copies the rows `idx` of `s` (a mini-batch). */
export function gatherRows(s: Samples, idx: ArrayLike<number>): { x: Float32Array; labels: Int32Array } {
  const per = sampleSize(s);
  const x = new Float32Array(idx.length * per);
  const labels = new Int32Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    x.set(s.x.subarray(idx[i] * per, (idx[i] + 1) * per), i * per);
    labels[i] = s.labels[idx[i]];
  }
  return { x, labels };
}

/**
 * Class-disjoint validation split: the last `fraction` of the sorted distinct classes are held out.
 * Training labels are renumbered 0…C−1 (the head's rows); validation keeps its labels (only equality
 * matters for Recall@K).
 */
export function splitByClass(s: Samples, fraction: number): { train: Samples; val?: Samples; numClasses: number } {
  if (!(fraction >= 0 && fraction < 1)) throw new Error(`--val-fraction must be in [0, 1), got ${fraction}`);
  const classes = [...new Set(s.labels)].sort((a, b) => a - b);
  const nVal = Math.floor(classes.length * fraction);
  const trainClasses = new Map(classes.slice(0, classes.length - nVal).map((c, i) => [c, i]));
  const trainIdx: number[] = [];
  const valIdx: number[] = [];
  for (let i = 0; i < s.n; i++) (trainClasses.has(s.labels[i]) ? trainIdx : valIdx).push(i);
  const pick = (idx: number[]): Samples => ({ ...gatherRows(s, idx), n: idx.length, sampleShape: s.sampleShape });
  const train = pick(trainIdx);
  train.labels = train.labels.map((c) => trainClasses.get(c)!);
  return { train, val: valIdx.length > 0 ? pick(valIdx) : undefined, numClasses: trainClasses.size };
}

/**
 * Where a head's rows come from: samples held in memory, or a dataset that decodes (and, in
 * training, augments) each batch from its image files.
 */
export interface SampleSource {
  n: number;
  sampleShape: number[];
  labels: Int32Array;
  rows(idx: ArrayLike<number>, o: { train: boolean; epoch: number }): Promise<{ x: Float32Array; labels: Int32Array }>;
}

export function isSamples(s: Samples | SampleSource): s is Samples {
  return (s as Samples).x !== undefined;
}

export function asSource(s: Samples | SampleSource): SampleSource {
  if (!isSamples(s)) return s;
  return { n: s.n, sampleShape: s.sampleShape, labels: s.labels, rows: async (idx) => gatherRows(s, idx) };
}
