import type { Command } from 'commander';
import { withRunFolder, type ClaimOptions } from '../data/files/index.js';
import { setupBackend, type BackendName } from '../compute/backend.js';
import { intList, integer, nonNegativeInt, numberIn, positiveInt } from './parse.js';
import { defaultTrainConfig, validateTrainConfig, type LossKind, type ModelKind, type TrainConfig } from '../train/config.js';
import { SEMI_STAGES, type SemiOptions, type SemiStage } from '../pipeline/semi/options.js';
import type { SemiSummary } from '../pipeline/semi/report.js';
import { runSemi } from '../pipeline/semi/run.js';
import { NAAN_PROPAGATION } from '../cluster/propagation.js';

const pair = (flag: string) => (v: string): [number, number] => {
  const xs = intList(flag)(v);
  if (xs.length !== 2) throw new Error(`${flag} takes two integers k1,k2, got "${v}"`);
  return [xs[0], xs[1]];
};

export interface SemiCli {
  dataset: string; root?: string; labels?: string; dim?: number; key?: string; labelledFraction: number; testFraction: number; maxClasses?: number; maxTestClasses?: number;
  valFraction: number; seed: number; loss: LossKind; queueSize: number; compensate: boolean; scale: number; margin?: number; model?: ModelKind;
  hidden: number[]; embeddingSize: number; epochs: number; retrainEpochs?: number; batchSize: number; lr: number; weightDecay: number;
  knnK: number; scorer: 'naan' | 'cosine'; naanKHops: [number, number]; naanSampleHops: number; naanEpochs: number; naanBatchSize: number;
  naanMaxSteps?: number; predictKHops: [number, number]; th: number; step: number; maxSize: number; recall: number[]; from?: SemiStage; resume: boolean; overwrite: boolean; out: string; backend: BackendName;
}

/** The options every loop command shares, with the defaults given (facet semi's, or the demo's). */
export function semiOptions(cmd: Command, d: Partial<SemiCli> & { out: string }): Command {
  const t = defaultTrainConfig;
  return cmd
    .option('--labelled-fraction <f>', 'share of the training classes whose labels are used', numberIn('--labelled-fraction', 0, 1), d.labelledFraction ?? 0.15)
    .option('--test-fraction <f>', 'classes held out for evaluation when the dataset has no test split', numberIn('--test-fraction', 0, 1), 0.3)
    .option('--max-classes <n>', 'use this many training classes (seeded pick)', positiveInt('--max-classes'), d.maxClasses)
    .option('--max-test-classes <n>', 'evaluate on this many test classes (seeded pick)', positiveInt('--max-test-classes'), d.maxTestClasses)
    .option('--val-fraction <f>', 'share of the labelled classes held out to select the epoch', numberIn('--val-fraction', 0, 0.99), 0.1)
    .option('--seed <s>', 'seed (split, init, shuffling, NAAN)', integer('--seed'), 0)
    .option('--loss <kind>', 'arcface, cosface or broadface', d.loss ?? 'arcface')
    .option('--queue-size <n>', 'BroadFace queue rows (per head)', nonNegativeInt('--queue-size'), 0)
    .option('--compensate', 'BroadFace drift compensation', false)
    .option('--scale <s>', 'logit scale', numberIn('--scale', 0, 1e6), d.scale ?? 32)
    .option('--margin <m>', 'margin (ArcFace 0.5, CosFace 0.35)', numberIn('--margin', 0, 3))
    .option('--model <kind>', 'mlp, small-cnn, resnet18, resnet50 (default by input)', d.model)
    .option('--hidden <widths>', 'MLP hidden widths', (v) => (v === '' ? [] : intList('--hidden')(v)), d.hidden ?? [])
    .option('--embedding-size <d>', 'embedding dimension', positiveInt('--embedding-size'), d.embeddingSize ?? 128)
    .option('--epochs <n>', 'epochs of the supervised model', positiveInt('--epochs'), d.epochs ?? 10)
    .option('--retrain-epochs <n>', 'epochs of the retraining (default: as many as give the supervised model\'s number of steps)', positiveInt('--retrain-epochs'), d.retrainEpochs)
    .option('--batch-size <n>', 'batch size (retraining: half labelled, half pseudo-labelled)', positiveInt('--batch-size'), d.batchSize ?? 128)
    .option('--lr <lr>', 'learning rate (Adam)', numberIn('--lr', 0, 10), d.lr ?? 1e-3)
    .option('--weight-decay <w>', 'weight decay', numberIn('--weight-decay', 0, 1), t.weightDecay)
    .option('--knn-k <k>', 'neighbours per node, self included', positiveInt('--knn-k'), d.knnK ?? 31)
    .option('--scorer <kind>', 'edge scores: naan or cosine', d.scorer ?? 'naan')
    .option('--naan-k-hops <k1,k2>', 'NAAN neighbourhood in training', pair('--naan-k-hops'), d.naanKHops ?? [30, 10])
    .option('--naan-sample-hops <n>', 'NAAN training pairs from each node\'s first n neighbours', positiveInt('--naan-sample-hops'), d.naanSampleHops ?? 30)
    .option('--naan-epochs <n>', 'NAAN epochs', positiveInt('--naan-epochs'), d.naanEpochs ?? 2)
    .option('--naan-batch-size <n>', 'NAAN pairs per step', positiveInt('--naan-batch-size'), 256)
    .option('--naan-max-steps <n>', 'cap on NAAN steps per epoch', positiveInt('--naan-max-steps'), d.naanMaxSteps)
    .option('--predict-k-hops <k1,k2>', 'NAAN neighbourhood at inference', pair('--predict-k-hops'), d.predictKHops ?? [20, 10])
    .option('--th <x>', 'propagation start threshold (NAAN scorer)', numberIn('--th', 0, 1), NAAN_PROPAGATION.startThreshold)
    .option('--step <x>', 'propagation threshold step (NAAN scorer)', numberIn('--step', 1e-9, 1), NAAN_PROPAGATION.step)
    .option('--max-size <n>', 'largest accepted cluster', positiveInt('--max-size'), NAAN_PROPAGATION.maxSize)
    .option('--recall <ks>', 'Recall@K cut-offs', intList('--recall'), [1, 2, 4, 8, 16])
    .option('--from <stage>', `re-enter at a stage: ${SEMI_STAGES.join(', ')} (default: split)`)
    .option('--resume', 'continue where the run stopped: the first unfinished stage, a training from its checkpoint (after Ctrl-C)', false)
    .option('--overwrite', 'replace the run already in --out (its files are removed first)', false)
    .option('--backend <name>', 'tfjs backend', 'auto')
    .option('--out <dir>', 'run folder', d.out);
}

export function toSemiOptions(o: SemiCli, sampleIsImage: boolean): SemiOptions {
  if (o.scorer !== 'naan' && o.scorer !== 'cosine') throw new Error(`--scorer: naan or cosine, got "${o.scorer}"`);
  if (o.knnK < 2) throw new Error(`--knn-k ${o.knnK}: must be ≥ 2 (column 0 is the point itself)`);
  if (o.scorer === 'naan' && o.naanSampleHops >= o.knnK) {
    throw new Error(`--naan-sample-hops ${o.naanSampleHops}: must be < --knn-k ${o.knnK} (the kNN graph has ${o.knnK - 1} neighbours per node besides itself)`);
  }
  const train: TrainConfig = {
    ...defaultTrainConfig, loss: o.loss, queueSize: o.queueSize, compensate: o.compensate, scale: o.scale, margin: o.margin,
    model: o.model ?? (sampleIsImage ? 'small-cnn' : 'mlp'), hidden: o.hidden, embeddingDim: o.embeddingSize, epochs: o.epochs,
    batchSize: o.batchSize, lr: o.lr, weightDecay: o.weightDecay, milestones: [], seed: o.seed, evalKs: o.recall,
  };
  // the training options are checked now, not when the supervised stage reaches them
  validateTrainConfig(train);
  return {
    out: o.out, dataset: o.dataset, root: o.root, labels: o.labels, dim: o.dim, key: o.key, labelledFraction: o.labelledFraction, testFraction: o.testFraction,
    maxClasses: o.maxClasses, maxTestClasses: o.maxTestClasses, valFraction: o.valFraction, seed: o.seed, train,
    retrainEpochs: o.retrainEpochs, knnK: o.knnK, scorer: o.scorer,
    naan: { kHops: o.naanKHops, sampleHops: o.naanSampleHops, epochs: o.naanEpochs, batchSize: o.naanBatchSize, maxStepsPerEpoch: o.naanMaxSteps, lr: 2e-3 },
    predict: { kHops: o.predictKHops, edgeHops: Math.min(20, o.knnK - 1), th: o.th, step: o.step, maxSize: o.maxSize },
    evalKs: o.recall, from: o.from, resume: o.resume,
  };
}

/** A loop's run folder is taken over by --resume or a re-entry (--from), replaced by --overwrite. */
export function claimOf(o: SemiCli): ClaimOptions {
  return { flag: '--out', resume: o.resume || o.from !== undefined, overwrite: o.overwrite };
}

export function printSummary(s: SemiSummary, seconds: number): void {
  process.stdout.write([
    `Recall@1 on held-out classes: supervised only ${s.before.toFixed(2)}% → after pseudo-labelling ${s.after.toFixed(2)}% (${s.gain >= 0 ? '+' : ''}${s.gain.toFixed(2)} points${s.gain > 0 ? '' : ': no gain on this run'})`,
    `pseudo-labels: BCubed F ${s.pseudoBcubedF.toFixed(4)} (singletons removed, ${(100 * s.pseudoDiscardRatio).toFixed(1)}% discarded), ${s.pseudoClusters} clusters`,
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
    .action(async (o: SemiCli) => {
      const t0 = Date.now();
      await setupBackend(o.backend);
      const isImage = !o.dataset.startsWith('features:');
      const s = await withRunFolder(o.out, claimOf(o), () => runSemi(toSemiOptions(o, isImage), undefined, (st) => process.stderr.write(`facet semi: ${st}…\n`)));
      printSummary(s, (Date.now() - t0) / 1000);
    });
}
