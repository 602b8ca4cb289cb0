import type { Command } from 'commander';
import { kernels } from '../compute/index.js';
import { datasetNormalization } from '../data/datasets/index.js';
import { withRunFolder, writeFileAtomic } from '../data/files/index.js';
import { resolvedOptions, resumeWithRunConfig } from './config.js';
import { pathList, positiveInt } from './parse.js';
import { addTrainingFlags, trainConfigOf, type TrainingFlagValues } from './training-flags.js';
import type { TrainConfig } from '../train/config.js';
import { checkTrainingSources } from '../train/check-sources.js';
import { loadTrainingSources, type TrainingSources } from '../train/load-dataset.js';
import { writeTrainReport } from '../train/report.js';
import { trainingProgress } from '../report/progress.js';
import { train, type TrainOptions } from '../train/trainer.js';
import { recallAtK } from '../train/evaluate-recall.js';
import { setParams } from '../train/model-params.js';
import { loadVerificationSets, verificationHook } from '../train/verify-hook.js';

interface TrainCliOptions extends TrainingFlagValues {
  dataset: string; root?: string; dim?: number; key?: string; imageSize?: number; labels?: string; testFeatures?: string; testLabels?: string; limit?: number;
  backboneWeights?: string; out: string; resume?: string; overwrite: boolean; verify?: string[]; selectBy: 'val' | 'verify';
}

export function registerTrain(program: Command): void {
  addTrainingFlags(program
    .command('train')
    .description('train an embedding network with a margin head (ArcFace, CosFace, sub-center ArcFace, …), optionally with the BroadFace queue (run folder: config.json, metrics.jsonl, checkpoint.json, result.json, report.html)')
    .requiredOption('--dataset <name>', 'sop, inshop, cub, cars, folder:PATH, insightface:DIR (images decoded per batch), fashion-mnist, glyphs, or features:PATH with --labels')
    .option('--root <dir>', 'dataset folder (glyphs: the --out of facet data glyphs; fashion-mnist: Debian\'s copy by default)')
    .option('--image-size <px>', 'crop size of image-file datasets (the reference: 224, after resizing to 256)', positiveInt('--image-size'))
    .option('--dim <d>', 'row length of a raw .bin features:PATH (and --test-features)', positiveInt('--dim'))
    .option('--key <name>', 'array of an .npz features:PATH (and --test-features) holding several')
    .option('--labels <file>', 'labels of features:PATH (−1 = unlabelled: left out of training)')
    .option('--test-features <file>', 'test features for the final Recall@K')
    .option('--test-labels <file>', 'labels of --test-features')
    .option('--limit <n>', 'use the first n training (and test) samples only', positiveInt('--limit'))
    .option('--backbone-weights <npz>', 'ImageNet weights for resnet18/50: a torchvision state_dict saved with numpy.savez'))
    .option('--verify <files>', 'insightface verification sets (lfw.bin,cfp_fp.bin,…) evaluated after every epoch (Accuracy-Flip)', pathList('--verify'))
    .option('--select-by <what>', 'what selects the best epoch: val (validation MAP@R) or verify (mean --verify accuracy)', 'val')
    .option('--resume <dir>', 'continue the run in this folder')
    .option('--out <dir>', 'run folder', 'runs/train')
    .option('--overwrite', 'replace the run already in --out (its files are removed first)', false)
    .action(async (o: TrainCliOptions, cmd: Command) => {
      if (o.resume !== undefined) resumeWithRunConfig(cmd, o.resume);
      if (o.selectBy !== 'val' && o.selectBy !== 'verify') throw new Error(`--select-by: val or verify, got "${o.selectBy}"`);
      const verifyPaths = o.verify ?? [];
      if (o.selectBy === 'verify' && verifyPaths.length === 0) throw new Error('--select-by verify needs --verify FILES');
      const sources = await loadTrainingSources(o.dataset, o);
      checkTrainingSources(sources, o);
      // decoded once, before the first step, so a bad file stops the run at once
      const sets = verifyPaths.length ? await loadVerificationSets(verifyPaths, sources.train.sampleShape) : undefined;
      const imageNormalization = datasetNormalization(o.dataset);
      const epochHook = sets && verificationHook(sets, { selects: o.selectBy === 'verify', imageNormalization: imageNormalization ?? 'unit' });
      const config = trainConfigOf(o, sources.train.sampleShape.length === 1 ? 'mlp' : 'small-cnn');
      // the folder is taken only once the options and data are known good
      const runDir = o.resume ?? o.out;
      const runConfig = resolvedOptions(cmd, ['out', 'resume', 'overwrite']);
      await withRunFolder(runDir, { flag: o.resume ? '--resume' : '--out', resume: o.resume !== undefined, overwrite: o.overwrite },
        () => trainInto(runDir, o, config, sources, { epochHook, runConfig, imageNormalization }));
    });
}

async function trainInto(runDir: string, o: TrainCliOptions, config: TrainConfig, sources: TrainingSources,
  extra: Pick<TrainOptions, 'epochHook' | 'runConfig' | 'imageNormalization'>): Promise<void> {
  const { train: tr, val, numClasses, test, gallery } = sources;
  const r = await train({ runDir, config, train: tr, val, numClasses, resume: o.resume !== undefined, backboneWeights: o.backboneWeights, onProgress: trainingProgress(), ...extra });
  const evalTest = test && !r.interrupted;
  const lastTest = evalTest ? await recallAtK(r.model, test, o.recall, { gallery }) : undefined;
  // the test numbers of the epoch validation picked, beside the last epoch's (the reference reports its best test epoch)
  if (r.best && evalTest) setParams(r.model, r.best.params, 'best epoch');
  const bestTest = r.best && evalTest ? await recallAtK(r.model, test, o.recall, { gallery }) : undefined;
  const result = {
    kernels: kernels().name, runDir, interrupted: r.interrupted, trainSamples: tr.n, numClasses, unlabelledIgnored: sources.unlabelledIgnored, lastEpoch: r.history.at(-1),
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
