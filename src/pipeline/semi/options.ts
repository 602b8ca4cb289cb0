import type { TrainConfig } from '../../train/config.js';

/** The loop's stages, in order; `--from STAGE` re-enters at one, reading earlier stages' files. */
export const SEMI_STAGES = ['split', 'supervised', 'embed', 'knn', 'naan', 'pseudo-labels', 'retrain', 'evaluate', 'report'] as const;
export type SemiStage = (typeof SEMI_STAGES)[number];

export const SEMI_SCORERS = ['auto', 'naan', 'cosine'] as const;
export type SemiScorer = (typeof SEMI_SCORERS)[number];

export const NAAN_TRAIN_GRAPHS = ['labelled', 'holdout'] as const;
export type NaanTrainGraph = (typeof NAAN_TRAIN_GRAPHS)[number];

export interface SemiOptions {
  out: string;
  /** fashion-mnist, glyphs (with root) or features:PATH (with labels) */
  dataset: string;
  root?: string;
  labels?: string;
  /** row length of a raw .bin features:PATH */
  dim?: number;
  /** array of an .npz features:PATH holding several */
  key?: string;
  /** share of the training classes whose labels are used; the rest are the unlabelled pool */
  labelledFraction: number;
  /** classes held out for evaluation when the dataset has no test split */
  testFraction: number;
  /** use this many training classes (a seeded pick), for quick runs */
  maxClasses?: number;
  /** evaluate on this many test classes (a seeded pick) */
  maxTestClasses?: number;
  /** share of the labelled classes held out to select the epoch (class-disjoint validation) */
  valFraction: number;
  seed: number;
  /** the supervised model's training; the retraining uses it too, with `retrainEpochs` */
  train: TrainConfig;
  /** epochs of the retraining; by default as many as give it the supervised model's number of steps (same compute) */
  retrainEpochs?: number;
  /** neighbours per node in the kNN graphs (self included) */
  knnK: number;
  /**
   * the pseudo-labeller: `auto` races every candidate (cosine and NAAN scores × propagation, Chinese
   * Whispers, Infomap, threshold components), tuned and judged on the held-out validation classes, and
   * uses the best; `naan` / `cosine` are the papers' fixed recipes (NAAN or cosine scores + propagation)
   */
  scorer: SemiScorer;
  /**
   * NAAN's training; `trainOn` its graph: `labelled` the classes the embedder trained on, `holdout` the
   * pool ∪ held-out graph with the first half of the held-out classes labelled (pool nodes as
   * negatives of them), a graph that looks like the one NAAN must score
   */
  naan: { kHops: [number, number]; sampleHops: number; epochs: number; batchSize: number; maxStepsPerEpoch?: number; lr: number; trainOn: NaanTrainGraph;
    /** held-out edge AUC every this many steps (where there are held-out classes), stopping after `patience` checks without gain */
    checkEvery: number; patience: number };
  predict: { kHops: [number, number]; edgeHops: number; th: number; step: number; maxSize: number };
  evalKs: number[];
  /** the stage to start at; default `split`, or with `resume` the first stage the run folder has not finished */
  from?: SemiStage;
  /** continue where the run stopped: at the first unfinished stage, its training from its checkpoint (after Ctrl-C) */
  resume: boolean;
  /** what config.json records (facet semi/demo: the options under their flag names, which --config reads back); default these options */
  runConfig?: Record<string, unknown>;
}
