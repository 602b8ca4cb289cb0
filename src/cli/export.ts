import type { Command } from 'commander';
import { setupBackend } from '../compute/backend.js';
import { openDataset } from '../data/datasets/index.js';
import { readFeatures, writeFileAtomic } from '../data/files/index.js';
import { IMAGENET_MEAN, IMAGENET_STD } from '../data/images/index.js';
import { exportOnnx } from '../models/onnx/export.js';
import { loadTrainedModel } from '../train/trained-model.js';
import { positiveInt } from './parse.js';

interface ExportCli { run: string; dataset: string; root?: string; imageSize?: number; epoch: 'best' | 'last'; out: string }

const GREY_SETS = ['fashion-mnist', 'glyphs'];
const IMAGE_FILES = ['sop', 'inshop', 'cub', 'cars'];

/**
 * The per-sample input shape and preprocessing facet uses for a dataset (what the run was trained
 * on; a run folder does not record it): grey sets are scaled to [−1, 1], image files are resized,
 * centre-cropped and ImageNet-normalised at evaluation, features are fed as they are.
 */
function datasetInput(dataset: string, o: ExportCli): { shape: number[]; normalization: string } {
  if (dataset.startsWith('features:')) {
    return { shape: [readFeatures(dataset.slice('features:'.length)).cols], normalization: 'none: the feature rows as given' };
  }
  if (GREY_SETS.includes(dataset)) {
    return { shape: [...openDataset(dataset, { root: o.root, split: 'train' }).imageShape], normalization: 'x/127.5 - 1 (pixels 0..255 to [-1, 1])' };
  }
  if (IMAGE_FILES.includes(dataset) || dataset.startsWith('folder:')) {
    const crop = o.imageSize ?? 224, resize = Math.round((crop * 256) / 224);
    return {
      shape: [crop, crop, 3],
      normalization: `RGB (x/255 - mean)/std, mean ${IMAGENET_MEAN.join(',')}, std ${IMAGENET_STD.join(',')} (ImageNet), after resizing to ${resize}×${resize} and a centre crop of ${crop}`,
    };
  }
  throw new Error(`--dataset: unknown dataset "${dataset}": expected one of ${[...GREY_SETS, ...IMAGE_FILES, 'folder:PATH', 'features:PATH'].join(', ')}`);
}

/** `facet export`: a trained run's embedding network as an ONNX model (the same embeddings as facet embed). */
export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write the embedding network of a facet train run as an ONNX model (opset 17; input NHWC images or [batch, d] features, output the L2-normalised embedding)')
    .requiredOption('--run <dir>', 'run folder of facet train (its checkpoint.json)')
    .requiredOption('--dataset <name>', 'the dataset the run was trained on (its input shape and preprocessing): fashion-mnist, glyphs, sop, inshop, cub, cars, folder:PATH or features:PATH')
    .option('--root <dir>', 'dataset folder (glyphs: the --out of facet data glyphs)')
    .option('--image-size <px>', 'crop size the run used on image-file datasets', positiveInt('--image-size'))
    .option('--epoch <which>', 'last, or best (the validation-selected epoch)', 'last')
    .requiredOption('--out <file>', 'ONNX model file (.onnx)')
    .action(async (o: ExportCli) => {
      if (o.epoch !== 'best' && o.epoch !== 'last') throw new Error(`--epoch: best or last, got "${o.epoch}"`);
      await setupBackend('cpu');
      const input = datasetInput(o.dataset, o);
      const { model, epoch } = loadTrainedModel(o.run, input.shape, o.epoch);
      const version = program.version() ?? 'unknown';
      const bytes = exportOnnx(model, { inputNormalization: input.normalization, facetVersion: version, extra: { 'facet.dataset': o.dataset, 'facet.epoch': String(epoch) } });
      writeFileAtomic(o.out, bytes);
      process.stdout.write(JSON.stringify({ out: o.out, model: model.kind, epoch, inputShape: ['batch', ...model.inputShape], embeddingDim: model.embeddingDim, bytes: bytes.length }) + '\n');
    });
}
