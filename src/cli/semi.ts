import type { Command } from 'commander';
import { withRunFolder, type ClaimOptions } from '../data/files/index.js';
import { resolvedOptions } from './config.js';
import { intList, numberIn, positiveInt } from './parse.js';
import { addTrainingFlags, trainConfigOf, type TrainingFlagValues } from './training-flags.js';
import type { TrainConfig } from '../train/config.js';
import { NAAN_TRAIN_GRAPHS, SEMI_SCORERS, SEMI_STAGES, type NaanTrainGraph, type SemiOptions, type SemiScorer, type SemiStage } from '../pipeline/semi/options.js';
import type { SemiSummary } from '../pipeline/semi/report.js';
import { runSemi } from '../pipeline/semi/run.js';
import { NAAN_PROPAGATION } from '../cluster/propagation.js';

const pair = (flag: string) => (v: string): [number, number] => {
  const xs = intList(flag)(v);
  if (xs.length !== 2) throw new Error(`${flag} takes two integers k1,k2, got "${v}"`);
  return [xs[0], xs[1]];
};

export interface SemiCli extends TrainingFlagValues {
  dataset: string; root?: string; labels?: string; dim?: number; key?: string; labelledFraction: number; testFraction: number; maxClasses?: number; maxTestClasses?: number;
  retrainEpochs?: number; knnK: number; scorer: SemiScorer; naanKHops: [number, number]; naanSampleHops: number; naanEpochs: number; naanBatchSize: number; naanTrainOn: NaanTrainGraph; naanCheckEvery: number; naanPatience: number;
  naanMaxSteps?: number; predictKHops: [number, number]; th: number; step: number; maxSize: number; from?: SemiStage; resume: boolean; overwrite: boolean; out: string;
}

/** The options every loop command shares (the training flags among them), with the defaults given (facet semi's, or the demo's). */
export function semiOptions(cmd: Command, d: Partial<SemiCli> & { out: string }): Command {
  return addTrainingFlags(cmd, { epochs: d.epochs })
    .option('--labelled-fraction <f>', 'share of the training classes whose labels are used', numberIn('--labelled-fraction', 0, 1), d.labelledFraction ?? 0.15)
    .option('--test-fraction <f>', 'classes held out for evaluation when the dataset has no test split', numberIn('--test-fraction', 0, 1), 0.3)
    .option('--max-classes <n>', 'use this many training classes (seeded pick)', positiveInt('--max-classes'), d.maxClasses)
    .option('--max-test-classes <n>', 'evaluate on this many test classes (seeded pick)', positiveInt('--max-test-classes'), d.maxTestClasses)
    .option('--retrain-epochs <n>', 'epochs of the retraining (default: as many as give the supervised model\'s number of steps)', positiveInt('--retrain-epochs'), d.retrainEpochs)
    .option('--knn-k <k>', 'neighbours per node, self included', positiveInt('--knn-k'), d.knnK ?? 31)
    .option('--scorer <kind>', 'pseudo-labeller: auto (the best candidate on held-out labelled classes), naan or cosine (scores + the papers\' propagation)', d.scorer ?? 'auto')
    .option('--naan-train-on <graph>', 'NAAN\'s training graph: labelled (the classes the embedder trained on) or holdout (half the held-out classes, in the pool\'s graph)', d.naanTrainOn ?? 'labelled')
    .option('--naan-check-every <n>', 'NAAN\'s held-out edge AUC every n steps (with held-out classes)', positiveInt('--naan-check-every'), 50)
    .option('--naan-patience <n>', 'stop NAAN\'s training after n checks in a row without gain (0.002) on the best before', positiveInt('--naan-patience'), 4)
    .option('--naan-k-hops <k1,k2>', 'NAAN neighbourhood in training', pair('--naan-k-hops'), d.naanKHops ?? [30, 10])
    .option('--naan-sample-hops <n>', 'NAAN training pairs from each node\'s first n neighbours', positiveInt('--naan-sample-hops'), d.naanSampleHops ?? 30)
    .option('--naan-epochs <n>', 'NAAN epochs', positiveInt('--naan-epochs'), d.naanEpochs ?? 2)
    .option('--naan-batch-size <n>', 'NAAN pairs per step', positiveInt('--naan-batch-size'), 256)
    .option('--naan-max-steps <n>', 'cap on NAAN steps per epoch', positiveInt('--naan-max-steps'), d.naanMaxSteps)
    .option('--predict-k-hops <k1,k2>', 'NAAN neighbourhood at inference', pair('--predict-k-hops'), d.predictKHops ?? [20, 10])
    .option('--th <x>', 'propagation start threshold (NAAN scorer)', numberIn('--th', 0, 1), NAAN_PROPAGATION.startThreshold)
    .option('--step <x>', 'propagation threshold step (NAAN scorer)', numberIn('--step', 1e-9, 1), NAAN_PROPAGATION.step)
    .option('--max-size <n>', 'largest accepted cluster', positiveInt('--max-size'), NAAN_PROPAGATION.maxSize)
    .option('--from <stage>', `re-enter at a stage: ${SEMI_STAGES.join(', ')} (default: split)`)
    .option('--resume', 'continue where the run stopped: the first unfinished stage, a training from its checkpoint (after Ctrl-C)', false)
    .option('--overwrite', 'replace the run already in --out (its files are removed first)', false)
    .option('--out <dir>', 'run folder', d.out);
}

/** What a loop's config.json records: its options under their flag names, without where the run goes and how it is entered. */
export function semiRunConfig(cmd: Command): Record<string, unknown> {
  return resolvedOptions(cmd, ['out', 'resume', 'overwrite', 'from']);
}

export function toSemiOptions(o: SemiCli, sampleIsImage: boolean, runConfig?: Record<string, unknown>): SemiOptions {
  if (!(SEMI_SCORERS as readonly string[]).includes(o.scorer)) throw new Error(`--scorer: one of ${SEMI_SCORERS.join(', ')}, got "${o.scorer}"`);
  if (o.scorer === 'auto' && !(o.valFraction > 0)) throw new Error('--scorer auto chooses the pseudo-labeller on the held-out validation classes: --val-fraction must be > 0');
  if (!(NAAN_TRAIN_GRAPHS as readonly string[]).includes(o.naanTrainOn)) throw new Error(`--naan-train-on: one of ${NAAN_TRAIN_GRAPHS.join(', ')}, got "${o.naanTrainOn}"`);
  if (o.naanTrainOn === 'holdout' && !(o.valFraction > 0)) throw new Error('--naan-train-on holdout trains NAAN on held-out validation classes: --val-fraction must be > 0');
  if (o.knnK < 2) throw new Error(`--knn-k ${o.knnK}: must be ≥ 2 (column 0 is the point itself)`);
  if (o.scorer !== 'cosine' && o.naanSampleHops >= o.knnK) {
    throw new Error(`--naan-sample-hops ${o.naanSampleHops}: must be < --knn-k ${o.knnK} (the kNN graph has ${o.knnK - 1} neighbours per node besides itself)`);
  }
  const train: TrainConfig = trainConfigOf(o, sampleIsImage ? 'small-cnn' : 'mlp');
  return {
    out: o.out, dataset: o.dataset, root: o.root, labels: o.labels, dim: o.dim, key: o.key, labelledFraction: o.labelledFraction, testFraction: o.testFraction,
    maxClasses: o.maxClasses, maxTestClasses: o.maxTestClasses, valFraction: o.valFraction, seed: o.seed, train,
    retrainEpochs: o.retrainEpochs, knnK: o.knnK, scorer: o.scorer,
    naan: { kHops: o.naanKHops, sampleHops: o.naanSampleHops, epochs: o.naanEpochs, batchSize: o.naanBatchSize, maxStepsPerEpoch: o.naanMaxSteps, lr: 2e-3, trainOn: o.naanTrainOn, checkEvery: o.naanCheckEvery, patience: o.naanPatience },
    predict: { kHops: o.predictKHops, edgeHops: Math.min(20, o.knnK - 1), th: o.th, step: o.step, maxSize: o.maxSize },
    evalKs: o.recall, from: o.from, resume: o.resume, runConfig,
  };
}

/** A loop's run folder is taken over by --resume or a re-entry (--from), replaced by --overwrite. */
export function claimOf(o: SemiCli): ClaimOptions {
  return { flag: '--out', resume: o.resume || o.from !== undefined, overwrite: o.overwrite };
}

export function printSummary(s: SemiSummary, seconds: number): void {
  process.stdout.write([
    `Recall@1 on held-out classes: supervised only ${s.before.toFixed(2)}% → after pseudo-labelling ${s.after.toFixed(2)}% (${s.gain >= 0 ? '+' : ''}${s.gain.toFixed(2)} points${s.gain > 0 ? '' : ': no gain on this run'})`,
    `MAP@R on held-out classes: ${s.mapAtRBefore.toFixed(2)} → ${s.mapAtRAfter.toFixed(2)} (${s.mapAtRAfter >= s.mapAtRBefore ? '+' : ''}${(s.mapAtRAfter - s.mapAtRBefore).toFixed(2)})`,
    `pseudo-labels by ${s.pseudoLabeller}: BCubed F ${s.pseudoBcubedF.toFixed(4)}, pairwise F ${s.pseudoPairwiseF.toFixed(4)} (every image counted), ${s.pseudoClusters} clusters, ${(100 * s.pseudoDiscardRatio).toFixed(1)}% of the pool without a pseudo-label`,
    `report: ${s.report}`,
    `done in ${seconds.toFixed(1)} s`,
  ].join('\n') + '\n');
}

export function registerSemi(program: Command): void {
  semiOptions(program.command('semi')
    .description('the semi-supervised loop: train on labelled classes, pseudo-label the unlabelled pool (kNN → NAAN → propagation), retrain with two heads, evaluate before/after, report.html')
    .requiredOption('--dataset <name>', 'fashion-mnist, glyphs (with --root) or features:PATH (with --labels)')
    .option('--root <dir>', 'dataset folder')
    .option('--labels <file>', 'labels of features:PATH (−1 = unlabelled: left out)')
    .option('--dim <d>', 'row length of a raw .bin features:PATH', positiveInt('--dim'))
    .option('--key <name>', 'array of an .npz features:PATH holding several'), { out: 'runs/semi' })
    .action(async (o: SemiCli, cmd: Command) => {
      const t0 = Date.now();
      const isImage = !o.dataset.startsWith('features:');
      const s = await withRunFolder(o.out, claimOf(o), () => runSemi(toSemiOptions(o, isImage, semiRunConfig(cmd)), undefined, (st) => process.stderr.write(`facet semi: ${st}…\n`)));
      printSummary(s, (Date.now() - t0) / 1000);
    });
}
