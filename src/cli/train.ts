import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { setupBackend, type BackendName } from '../compute/backend.js';
import { datasetNormalization } from '../data/datasets/index.js';
import { withRunFolder, writeFileAtomic } from '../data/files/index.js';
import { resolvedOptions } from './config.js';
import { intList, nonNegativeInt, numberIn, pathList, positiveInt } from './parse.js';
import { defaultTrainConfig, validateTrainConfig, type LossKind, type ModelKind, type TrainConfig } from '../train/config.js';
import { checkTrainingSources } from '../train/check-sources.js';
import { loadTrainingSources, type TrainingSources } from '../train/load-dataset.js';
import { writeTrainReport } from '../train/report.js';
import { trainingProgress } from '../report/progress.js';
import type { OptimizerKind } from '../nn/optimizer.js';
import { train, type TrainOptions } from '../train/trainer.js';
import { recallAtK } from '../train/evaluate-recall.js';
import { setParams } from '../train/model-params.js';
import { loadVerificationSets, verificationHook } from '../train/verify-hook.js';

interface TrainCliOptions {
  dataset: string; root?: string; dim?: number; key?: string; imageSize?: number; labels?: string; testFeatures?: string; testLabels?: string; limit?: number;
  loss: LossKind; queueSize: number; compensate: boolean; scale: number; margin?: number;
  model?: ModelKind; backboneWeights?: string; hidden: number[]; embeddingSize: number; epochs: number; batchSize: number;
  lr: number; headLr?: number; optimizer: OptimizerKind; weightDecay: number; momentum: number;
  lrDecayEpochs: number[]; lrDecayGamma: number; seed: number; valFraction: number; recall: number[];
  checkpointEvery: number; out: string; resume?: string; overwrite: boolean; backend: BackendName; verify?: string[]; selectBy: 'val' | 'verify';
}

const num = (flag: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`${flag} must be a number, got "${v}"`);
  return n;
};
const widths = (v: string) => (v === '' ? [] : intList('--hidden')(v));

export function registerTrain(program: Command): void {
  const d = defaultTrainConfig;
  program
    .command('train')
    .description('train an embedding network with an ArcFace, CosFace or BroadFace head (run folder: config.json, metrics.jsonl, checkpoint.json, result.json, report.html)')
    .requiredOption('--dataset <name>', 'sop, inshop, cub, cars, folder:PATH, insightface:DIR (images decoded per batch), fashion-mnist, glyphs, or features:PATH with --labels')
    .option('--root <dir>', 'dataset folder (glyphs: the --out of facet data glyphs; fashion-mnist: Debian\'s copy by default)')
    .option('--image-size <px>', 'crop size of image-file datasets (the reference: 224, after resizing to 256)', positiveInt('--image-size'))
    .option('--dim <d>', 'row length of a raw .bin features:PATH (and --test-features)', positiveInt('--dim'))
    .option('--key <name>', 'array of an .npz features:PATH (and --test-features) holding several')
    .option('--labels <file>', 'labels of features:PATH (−1 = unlabelled: left out of training)')
    .option('--test-features <file>', 'test features for the final Recall@K')
    .option('--test-labels <file>', 'labels of --test-features')
    .option('--limit <n>', 'use the first n training (and test) samples only', positiveInt('--limit'))
    .option('--loss <kind>', 'arcface, cosface or broadface', d.loss)
    .option('--queue-size <n>', 'BroadFace queue rows (the reference default 0 behaves as ArcFace)', nonNegativeInt('--queue-size'), d.queueSize)
    .option('--compensate', 'BroadFace drift compensation of queued embeddings', false)
    .option('--scale <s>', 'logit scale s', num('--scale'), d.scale)
    .option('--margin <m>', 'margin m (ArcFace 0.5, CosFace 0.35)', num('--margin'))
    .option('--model <kind>', 'mlp (features), small-cnn, resnet18 or resnet50 (images); default mlp or small-cnn by dataset')
    .option('--backbone-weights <npz>', 'ImageNet weights for resnet18/50: a torchvision state_dict saved with numpy.savez')
    .option('--hidden <widths>', 'MLP hidden layer widths, comma-separated ("" for none)', widths, d.hidden)
    .option('--embedding-size <d>', 'embedding dimension', positiveInt('--embedding-size'), d.embeddingDim)
    .option('--epochs <n>', 'epochs', positiveInt('--epochs'), d.epochs)
    .option('--batch-size <n>', 'batch size', positiveInt('--batch-size'), d.batchSize)
    .option('--lr <lr>', 'backbone learning rate', num('--lr'), d.lr)
    .option('--head-lr <lr>', 'head (W) learning rate (default: --lr)', num('--head-lr'))
    .option('--optimizer <kind>', 'adam (coupled L2, the reference), adamw or sgd', d.optimizer)
    .option('--weight-decay <w>', 'weight decay', num('--weight-decay'), d.weightDecay)
    .option('--momentum <m>', 'SGD momentum', num('--momentum'), d.momentum)
    .option('--lr-decay-epochs <list>', 'MultiStep milestones', intList('--lr-decay-epochs'), d.milestones)
    .option('--lr-decay-gamma <g>', 'MultiStep factor', num('--lr-decay-gamma'), d.gamma)
    .option('--seed <s>', 'seed (init, shuffling)', num('--seed'), d.seed)
    .option('--val-fraction <f>', 'classes held out (class-disjoint) for per-epoch validation', numberIn('--val-fraction', 0, 0.99), 0.2)
    .option('--recall <ks>', 'Recall@K cut-offs', intList('--recall'), d.evalKs)
    .option('--verify <files>', 'insightface verification sets (lfw.bin,cfp_fp.bin,…) evaluated after every epoch (Accuracy-Flip)', pathList('--verify'))
    .option('--select-by <what>', 'what selects the best epoch: val (validation MAP@R) or verify (mean --verify accuracy)', 'val')
    .option('--checkpoint-every <steps>', 'also checkpoint every n steps', nonNegativeInt('--checkpoint-every'), 0)
    .option('--backend <name>', 'tfjs backend: auto, native, cpu, wasm, tensorflow', 'auto')
    .option('--resume <dir>', 'continue the run in this folder')
    .option('--out <dir>', 'run folder', 'runs/train')
    .option('--overwrite', 'replace the run already in --out (its files are removed first)', false)
    .action(async (o: TrainCliOptions, cmd: Command) => {
      if (o.selectBy !== 'val' && o.selectBy !== 'verify') throw new Error(`--select-by: val or verify, got "${o.selectBy}"`);
      const verifyPaths = o.verify ?? [];
      if (o.selectBy === 'verify' && verifyPaths.length === 0) throw new Error('--select-by verify needs --verify FILES');
      const backend = await setupBackend(o.backend);
      const sources = await loadTrainingSources(o.dataset, o);
      checkTrainingSources(sources, o);
      // decoded once, before the first step, so a bad file stops the run at once
      const sets = verifyPaths.length ? await loadVerificationSets(verifyPaths, sources.train.sampleShape) : undefined;
      const imageNormalization = datasetNormalization(o.dataset);
      const epochHook = sets && verificationHook(sets, { selects: o.selectBy === 'verify', imageNormalization: imageNormalization ?? 'unit' });
      const config: TrainConfig = {
        loss: o.loss, queueSize: o.queueSize, compensate: o.compensate, scale: o.scale, margin: o.margin,
        model: o.model ?? (sources.train.sampleShape.length === 1 ? 'mlp' : 'small-cnn'), hidden: o.hidden, embeddingDim: o.embeddingSize,
        epochs: o.epochs, batchSize: o.batchSize, lr: o.lr, headLr: o.headLr, optimizer: o.optimizer, weightDecay: o.weightDecay,
        momentum: o.momentum, milestones: o.lrDecayEpochs, gamma: o.lrDecayGamma, seed: o.seed, evalKs: o.recall, checkpointEvery: o.checkpointEvery,
      };
      validateTrainConfig(config);
      // the folder is taken only once the options and data are known good
      const runDir = o.resume ?? o.out;
      const runConfig = resolvedOptions(cmd, ['out', 'resume', 'overwrite']);
      await withRunFolder(runDir, { flag: o.resume ? '--resume' : '--out', resume: o.resume !== undefined, overwrite: o.overwrite },
        () => trainInto(runDir, o, config, sources, backend, { epochHook, runConfig, imageNormalization }));
    });
}

async function trainInto(runDir: string, o: TrainCliOptions, config: TrainConfig, sources: TrainingSources, backend: string,
  extra: Pick<TrainOptions, 'epochHook' | 'runConfig' | 'imageNormalization'>): Promise<void> {
  const { train: tr, val, numClasses, test, gallery } = sources;
  const r = await train({ runDir, config, train: tr, val, numClasses, resume: o.resume !== undefined, backboneWeights: o.backboneWeights, onProgress: trainingProgress(), ...extra });
  const evalTest = test && !r.interrupted;
  const lastTest = evalTest ? await recallAtK(r.model, test, o.recall, { gallery }) : undefined;
  // the test numbers of the epoch validation picked, beside the last epoch's (the reference reports its best test epoch)
  if (r.best && evalTest) setParams(r.model, r.best.params, 'best epoch');
  const bestTest = r.best && evalTest ? await recallAtK(r.model, test, o.recall, { gallery }) : undefined;
  const result = {
    backend, runDir, interrupted: r.interrupted, trainSamples: tr.n, numClasses, unlabelledIgnored: sources.unlabelledIgnored, lastEpoch: r.history.at(-1),
    test: lastTest && { samples: test!.n, ...(gallery && { gallery: gallery.n }), ...lastTest },
    validationSelected: r.best && { epoch: r.best.epoch, [`${o.selectBy} ${r.best.metric}`]: r.best.score, test: bestTest },
  };
  writeFileAtomic(`${runDir}/result.json`, JSON.stringify(result, null, 2) + '\n');
  await writeTrainReport(runDir, { dataset: o.dataset, config, last: lastTest, best: r.best && { epoch: r.best.epoch, test: bestTest }, selectBy: o.selectBy });
  process.stdout.write(JSON.stringify(result) + '\n');
  if (r.interrupted) {
    process.stderr.write(`facet train: interrupted; the checkpoint is saved in ${runDir}: continue with --resume ${runDir}\n`);
    // 130: the shell's code for a Ctrl-C, so that `facet train && facet embed` stops
    process.exitCode = 130;
  }
}
