import { existsSync } from 'node:fs';
import { readFeatures, readJsonFile, readKnn, readLabels, type KnnGraph, type Matrix } from '../../../data/files/index.js';
import { InterruptedError } from '../../../train/interrupted.js';
import { splitByClass } from '../../../train/samples.js';
import type { RunFolder } from '../../../report/run-folder.js';
import { splitData, type SemiData, type SemiSplit, type SourceData } from '../data.js';
import { loadTrainingData } from '../../../train/load-dataset.js';
import type { SemiOptions } from '../options.js';

/** What every stage can reach: options, the run folder, and the split's data (read once, lazily). */
export class SemiContext {
  private source?: SourceData;
  private data?: SemiData;
  constructor(readonly o: SemiOptions, readonly run: RunFolder) {}

  file(name: string): string {
    return this.run.path(name);
  }

  /** a file an earlier stage wrote; a clear error naming the stage to run when it is missing */
  input(name: string, stage: string): string {
    const p = this.file(name);
    if (!existsSync(p)) throw new Error(`${p} is missing: it is written by stage "${stage}" (run with --from ${stage})`);
    return p;
  }

  json<T>(name: string, stage: string): T {
    return readJsonFile<T>(this.input(name, stage));
  }

  /** the dataset, read once per run (a re-entered stage needs no earlier stage in memory) */
  async dataset(): Promise<SourceData> {
    this.source ??= await loadTrainingData(this.o.dataset, this.o);
    return this.source;
  }

  async samples(): Promise<SemiData> {
    this.data ??= splitData(await this.dataset(), this.json<SemiSplit>('split.json', 'split'));
    return this.data;
  }

  /** the labelled samples the heads train on, and the class-disjoint validation carved from them */
  async labelledTrainVal(): Promise<ReturnType<typeof splitByClass>> {
    return splitByClass((await this.samples()).labelled, this.o.valFraction);
  }
}

/** `--resume` continues the re-entered stage's training where its checkpoint left it */
export function resuming(c: SemiContext, stage: 'supervised' | 'retrain' | 'naan', checkpoint = `${stage}/checkpoint.json`): boolean {
  return c.o.resume && c.o.from === stage && existsSync(c.file(checkpoint));
}

/** A Ctrl-C during training: the trainer saved its checkpoint; the loop stops instead of going on with a partial model. */
export function stopIfInterrupted(c: SemiContext, stage: 'supervised' | 'retrain', interrupted: boolean): void {
  if (interrupted) throw new InterruptedError(`stage ${stage} interrupted; its checkpoint is in ${c.file(stage)}: continue with --resume`);
}

export function readSplitGraph(c: SemiContext, name: string): { f: Matrix; g: KnnGraph } {
  return { f: readFeatures(c.input(`embeddings/${name}.npy`, 'embed')), g: readKnn(c.input(`embeddings/${name}_knn.npz`, 'knn')) };
}

/**
 * `--scorer auto`'s graph: the unlabelled pool's embeddings (rows 0 … P−1, as in unlabelled.npy) then
 * the held-out validation classes' (P …), so that candidates are judged where they must label.
 */
export interface SelectionFeatures {
  f: Matrix;
  /** rows 0 … pool−1 are the pool's */
  pool: number;
  /** the held-out rows' classes (rows pool …) */
  heldOutLabels: Int32Array;
  /** the rows from here on judge the candidates (after NAAN's half with --naan-train-on holdout), and their classes */
  judgedFrom: number;
  judging: Int32Array;
}

export function selectionFeatures(c: SemiContext): SelectionFeatures {
  const pool = readFeatures(c.input('embeddings/unlabelled.npy', 'embed'));
  const held = readFeatures(c.input('embeddings/holdout.npy', 'embed'));
  const data = new Float32Array((pool.rows + held.rows) * pool.cols);
  data.set(pool.data);
  data.set(held.data, pool.data.length);
  const heldOutLabels = readLabels(c.input('embeddings/holdout_labels.txt', 'embed'));
  const naanRows = c.o.naan.trainOn === 'holdout' ? naanHoldoutRows(heldOutLabels) : 0;
  return { f: { rows: pool.rows + held.rows, cols: pool.cols, data }, pool: pool.rows, heldOutLabels, judgedFrom: pool.rows + naanRows, judging: heldOutLabels.subarray(naanRows) };
}

/** The selection graph the knn stage wrote, with its features (one read per stage). */
export function readSelectionGraph(c: SemiContext): SelectionFeatures & { g: KnnGraph } {
  const s = selectionFeatures(c);
  const file = c.input('embeddings/selection_knn.npz', 'knn');
  const g = readKnn(file);
  if (g.n !== s.f.rows) throw new Error(`${file}: ${g.n} rows for ${s.f.rows} pool and held-out embeddings (run with --from knn)`);
  return { ...s, g };
}

/**
 * With `--naan-train-on holdout`, NAAN learns from the first half of the held-out classes (their rows
 * come first, grouped by class) and the candidates are judged on the other half only.
 */
export function naanHoldoutRows(heldOutLabels: Int32Array): number {
  const classes = [...new Set(heldOutLabels)];
  if (classes.length < 2) throw new Error(`--naan-train-on holdout: ${classes.length} held-out class, need 2 or more (raise --val-fraction)`);
  const last = classes[Math.ceil(classes.length / 2) - 1];
  return heldOutLabels.lastIndexOf(last) + 1;
}
