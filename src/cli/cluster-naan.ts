import type { Command } from 'commander';
import { kernels } from '../compute/index.js';
import { existsSync } from 'node:fs';
import { withRunFolder } from '../data/files/index.js';
import { intList, numberIn, positiveInt } from './parse.js';
import { naanPredictProgress, naanTrainProgress } from '../report/progress.js';
import { readSplit } from '../models/naan/inputs.js';
import { trainNaan } from '../models/naan/train.js';
import { loadCheckpoint } from '../models/naan/checkpoint.js';
import { NAAN_PROPAGATION } from '../cluster/propagation.js';
import { naanScorer } from '../cluster/naan-scorer.js';
import { labelByPropagation, labellingSettings, writeLabelling } from '../cluster/label-by-propagation.js';
import { writeClusterReport } from '../cluster/labelling-report-html.js';

const pair = (flag: string) => (v: string): [number, number] => {
  const xs = intList(flag)(v);
  if (xs.length !== 2) throw new Error(`${flag} takes two integers k1,k2, got "${v}"`);
  return [xs[0], xs[1]];
};

interface TrainCli {
  features: string; knn: string; labels?: string; dim?: number; key?: string; out: string; resume?: boolean; kHops?: [number, number];
  sampleHops?: number; stopAfter?: number; epochs: number; batchSize: number; nheads: number; lr: number; lrDecay: number; weightDecay: number;
  clip: number; seed: number; maxStepsPerEpoch?: number; checkpointEvery: number;
}

interface PredictCli {
  model: string; features: string; knn: string; labels?: string; dim?: number; key?: string; out: string; overwrite: boolean; kHops?: [number, number];
  edgeHops?: number; th: number; step: number; maxSize: number; maxIter: number; batchSize: number;
}

/** k1,k2 capped at the kNN file's `width` neighbours, as the help promises; a cap on the user's own value is said on stderr. */
function cappedHops(hops: [number, number], width: number, given: boolean): [number, number] {
  const capped: [number, number] = [Math.min(hops[0], width), Math.min(hops[1], width)];
  if (given && (capped[0] !== hops[0] || capped[1] !== hops[1])) {
    process.stderr.write(`warning: --k-hops ${hops.join(',')}: capped at ${capped.join(',')} (the kNN file has ${width} neighbours per row besides the point itself)\n`);
  }
  return capped;
}

/** `facet cluster train` and `facet cluster predict`: NAAN on a labelled split, then pseudo-labels for an unlabelled one. */
export function registerNaanCommands(cluster: Command): void {
  cluster
    .command('train')
    .description('train NAAN (GAT link classifier) on a labelled split; checkpoint after every epoch and every --checkpoint-every steps')
    .requiredOption('--features <file>', "NAAN split0_feats.npz (embs + labels) or features .npy/.npz/.bin")
    .requiredOption('--knn <file>', "NAAN split0_knn.npy or learn-to-cluster faiss_k_K.npz")
    .option('--labels <file>', 'labels .txt/.meta (needed unless the .npz holds them)')
    .option('--dim <d>', 'row length of a .bin file', positiveInt('--dim'))
    .option('--key <name>', 'array of an .npz --features holding several')
    .requiredOption('--out <file>', 'checkpoint file (JSON)')
    .option('--resume', 'continue from --out')
    .option('--k-hops <k1,k2>', '1-hop and 2-hop neighbours (default NAAN\'s 100,10, each capped at the kNN file\'s columns − 1)', pair('--k-hops'))
    .option('--sample-hops <n>', 'training pairs from each node\'s first n neighbours (default 120, capped likewise)', positiveInt('--sample-hops'))
    .option('--epochs <n>', 'epochs', positiveInt('--epochs'), 3)
    .option('--batch-size <n>', 'pairs per step', positiveInt('--batch-size'), 256)
    .option('--nheads <n>', 'attention heads (averaged)', positiveInt('--nheads'), 1)
    .option('--lr <x>', 'Adam learning rate', numberIn('--lr', 0, 1), 2e-3)
    .option('--lr-decay <x>', 'learning-rate factor after each epoch', numberIn('--lr-decay', 0, 1), 0.1)
    .option('--weight-decay <x>', 'Adam weight decay', numberIn('--weight-decay', 0, 1), 5e-4)
    .option('--clip <x>', 'gradient-norm clip', numberIn('--clip', 0, 1e9), 2)
    .option('--seed <s>', 'seed (init, pair order)', (v) => Number(v), 0)
    .option('--max-steps-per-epoch <n>', 'cap on steps per epoch', positiveInt('--max-steps-per-epoch'))
    .option('--checkpoint-every <n>', 'steps between checkpoints', positiveInt('--checkpoint-every'), 500)
    .option('--stop-after <n>', 'stop after n steps of this run, checkpointing first (continue with --resume)', positiveInt('--stop-after'))
    .action(async (o: TrainCli) => {
      const split = readSplit(o);
      if (!split.labels) throw new Error(`${o.features}: no labels; pass --labels`);
      const resumed = o.resume && existsSync(o.out) ? loadCheckpoint(o.out) : undefined;
      if (resumed && resumed.config.dim !== split.features.cols) {
        throw new Error(`--resume: ${o.out} is for ${resumed.config.dim}-d features; --features ${o.features} are ${split.features.cols}-d`);
      }
      const bars = naanTrainProgress();
      const t0 = Date.now();
      const width = split.knn.k - 1;
      const kHops = cappedHops(o.kHops ?? [100, 10], width, o.kHops !== undefined);
      const r = await trainNaan(split.features, split.knn, split.labels, {
        kHops, sampleHops: o.sampleHops ?? Math.min(120, width), stopAfterSteps: o.stopAfter, epochs: o.epochs, batchSize: o.batchSize, nheads: o.nheads, lr: o.lr,
        lrDecay: o.lrDecay, weightDecay: o.weightDecay, clipNorm: o.clip, seed: o.seed, maxStepsPerEpoch: o.maxStepsPerEpoch,
        checkpoint: o.out, checkpointEvery: o.checkpointEvery, resume: o.resume,
        onStep: bars.onStep,
      });
      bars.stop();
      process.stdout.write(JSON.stringify({ kernels: kernels().name, kHops: r.config.kHops, sampleHops: r.config.sampleHops, stopped: r.stopped, pairs: r.numPairs, positiveRatio: r.positiveRatio, history: r.history, seconds: (Date.now() - t0) / 1000, checkpoint: o.out }) + '\n');
      if (r.interrupted) {
        process.stderr.write(`facet cluster train: interrupted; the checkpoint is saved in ${o.out}: continue with --resume\n`);
        // 130: the shell's code for a Ctrl-C
        process.exitCode = 130;
      }
    });

  cluster
    .command('predict')
    .description('score the unlabelled split\'s kNN edges with NAAN, propagate (CDP/NAAN), write pseudo-labels and a report')
    .requiredOption('--model <file>', 'checkpoint from facet cluster train')
    .requiredOption('--features <file>', 'split1_feats.npz or features .npy/.npz/.bin')
    .requiredOption('--knn <file>', 'split1_knn.npy or faiss_k_K.npz')
    .option('--labels <file>', 'ground truth: adds clustering metrics to the report')
    .option('--dim <d>', 'row length of a .bin file', positiveInt('--dim'))
    .option('--key <name>', 'array of an .npz --features holding several')
    .requiredOption('--out <dir>', 'folder for labels.txt, labels_clean.txt, edges.npy, scores.npy, report.json, report.html')
    .option('--overwrite', 'replace the run already in --out (its files are removed first)', false)
    .option('--k-hops <k1,k2>', '1-hop and 2-hop neighbours at inference (default NAAN\'s 20,10, each capped at the kNN file\'s columns − 1)', pair('--k-hops'))
    .option('--edge-hops <n>', 'edges from each node\'s first n neighbours (default 20, capped likewise)', positiveInt('--edge-hops'))
    .option('--th <x>', 'propagation start threshold', numberIn('--th', 0, 1), NAAN_PROPAGATION.startThreshold)
    .option('--step <x>', 'propagation threshold step', numberIn('--step', 1e-9, 1), NAAN_PROPAGATION.step)
    .option('--max-size <n>', 'largest accepted cluster', positiveInt('--max-size'), NAAN_PROPAGATION.maxSize)
    .option('--max-iter <n>', 'threshold rounds before merging the rest', positiveInt('--max-iter'), NAAN_PROPAGATION.maxIter)
    .option('--batch-size <n>', 'nodes per embedding batch', positiveInt('--batch-size'), 512)
    .action(async (o: PredictCli) => {
      const ck = loadCheckpoint(o.model);
      const split = readSplit(o);
      if (ck.config.dim !== split.features.cols) throw new Error(`--model ${o.model} is for ${ck.config.dim}-d features; --features ${o.features} are ${split.features.cols}-d`);
      const width = split.knn.k - 1;
      const scorer = naanScorer(ck, {
        kHops: cappedHops(o.kHops ?? [20, 10], width, o.kHops !== undefined), edgeHops: o.edgeHops ?? Math.min(20, width), batchSize: o.batchSize,
        onProgress: naanPredictProgress(),
      });
      const l = labelByPropagation(split.features, split.knn, scorer, { propagation: { maxSize: o.maxSize, step: o.step, maxIter: o.maxIter, startThreshold: o.th }, truth: split.labels });
      const { report, scored } = l;
      const predictSeconds = l.seconds.score, propagationSeconds = l.seconds.propagation;
      const settings = { method: 'naan', kernels: kernels().name, model: o.model, features: o.features, knn: o.knn, labels: o.labels, predictSeconds, propagationSeconds };
      await withRunFolder(o.out, { flag: '--out', overwrite: o.overwrite }, async () => {
        writeLabelling(o.out, l, settings);
        await writeClusterReport(o.out, {
          method: 'naan', report, truth: split.labels, scored, timings: { predict: predictSeconds, propagation: propagationSeconds },
          settings: { ...settings, ...labellingSettings(l) },
        });
      });
      const m = report.metrics?.all;
      process.stdout.write(JSON.stringify({
        nodes: report.numNodes, clusters: report.numClusters, singletons: report.numSingletons,
        ...(m && { pairwiseF: m.pairwise.fscore, bcubedF: m.bcubed.fscore, nmi: m.nmi }), predictSeconds, propagationSeconds, out: o.out,
      }) + '\n');
    });
}
