import type { Command } from 'commander';
import { DATASET_NAMES, datasetKind, datasetNormalization, openDataset } from '../data/datasets/index.js';
import { readFeatures, writeFileAtomic } from '../data/files/index.js';
import { normalizationText } from '../data/images/index.js';
import { exportOnnx } from '../models/onnx/export.js';
import { loadTrainedModel } from '../train/trained-model.js';
import { positiveInt } from './parse.js';

interface ExportCli { run: string; dataset?: string; root?: string; imageSize?: number; epoch: 'best' | 'last'; out: string }

/**
 * The input shape and preprocessing of a run trained on `dataset`, for checkpoints of an older facet
 * that record neither: grey sets at their size, image files at --image-size (224 after 256), features
 * at their width.
 */
function datasetShape(dataset: string, o: ExportCli): number[] {
  if (!datasetKind(dataset) && !dataset.startsWith('features:')) throw new Error(`--dataset: unknown dataset "${dataset}": expected one of ${[...DATASET_NAMES, 'features:PATH'].join(', ')}`);
  if (dataset.startsWith('features:')) return [readFeatures(dataset.slice('features:'.length)).cols];
  if (datasetNormalization(dataset) === 'unit') return [...openDataset(dataset, { root: o.root, split: 'train' }).imageShape];
  const crop = o.imageSize ?? 224;
  return [crop, crop, 3];
}

/** `facet export`: a trained run's embedding network as an ONNX model (the same embeddings as facet embed). */
export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write the embedding network of a facet train run as an ONNX model (opset 17; input NHWC images or [batch, d] features, output the L2-normalised embedding)')
    .requiredOption('--run <dir>', 'run folder of facet train (its checkpoint.json)')
    .option('--dataset <name>', 'only for runs of an older facet, whose checkpoint records no input shape: the dataset the run was trained on')
    .option('--root <dir>', 'dataset folder (with --dataset glyphs)')
    .option('--image-size <px>', 'crop size the run used on image-file datasets (with --dataset)', positiveInt('--image-size'))
    .option('--epoch <which>', 'last, or best (the validation-selected epoch)', 'last')
    .requiredOption('--out <file>', 'ONNX model file (.onnx)')
    .action(async (o: ExportCli) => {
      if (o.epoch !== 'best' && o.epoch !== 'last') throw new Error(`--epoch: best or last, got "${o.epoch}"`);
      const shape = o.dataset === undefined ? undefined : datasetShape(o.dataset, o);
      const { model, epoch, imageNormalization } = loadTrainedModel(o.run, shape, o.epoch);
      const normalization = o.dataset === undefined ? imageNormalization : datasetNormalization(o.dataset);
      const version = program.version() ?? 'unknown';
      const bytes = exportOnnx(model, {
        inputNormalization: normalization === undefined ? 'none: the feature rows as given' : normalizationText(normalization),
        imageNormalization: normalization, facetVersion: version, extra: { 'facet.epoch': String(epoch), ...(o.dataset && { 'facet.dataset': o.dataset }) },
      });
      writeFileAtomic(o.out, bytes);
      process.stdout.write(JSON.stringify({ out: o.out, model: model.kind, epoch, inputShape: ['batch', ...model.inputShape], embeddingDim: model.embeddingDim, bytes: bytes.length }) + '\n');
    });
}
