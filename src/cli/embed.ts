import type { Command } from 'commander';
import { checkFinite, checkOutputFolder, checkOutputIsNoInput, writeLabels, writeNpy } from '../data/files/index.js';
import { positiveInt } from './parse.js';
import { embedSourceWithProgress } from '../train/embed-source.js';
import type { BatchEmbedder } from '../models/batch-embedder.js';
import { openOnnxEmbedder } from '../models/onnx-embedder.js';
import { loadEmbeddingSplit } from '../train/load-dataset.js';
import { modelEmbedder } from '../train/run-embedder.js';
import { loadTrainedModel } from '../train/trained-model.js';

interface EmbedCli { run?: string; onnx?: string; dataset: string; root?: string; labels?: string; dim?: number; key?: string; split: string; imageSize?: number; epoch: 'best' | 'last'; out: string; labelsOut?: string }

/** `facet embed`: L2-normalised embeddings of a dataset split by a trained run or an ONNX model, for kNN and clustering. */
export function registerEmbed(program: Command): void {
  program
    .command('embed')
    .description('write the L2-normalised embeddings of a dataset split, by the model of a facet train run or an ONNX model, to .npy (for facet knn / cluster / eval)')
    .option('--run <dir>', 'run folder of facet train (its checkpoint.json)')
    .option('--onnx <file>', 'instead of --run: an ONNX embedding model (facet export, or e.g. insightface w600k_r50.onnx; NCHW or NHWC input, output L2-normalised here)')
    .requiredOption('--dataset <name>', 'fashion-mnist, glyphs (with --root), features:PATH (with --labels), or images streamed from disk: folder:PATH, insightface:DIR, sop, inshop, cub, cars')
    .option('--root <dir>', 'dataset folder')
    .option('--labels <file>', 'labels of features:PATH')
    .option('--dim <d>', 'row length of a raw .bin features:PATH', positiveInt('--dim'))
    .option('--key <name>', 'array of an .npz features:PATH holding several')
    .option('--split <name>', 'train or test (image datasets: any split they name, e.g. train for folder: and insightface:)', 'test')
    .option('--image-size <px>', 'crop size of image-file datasets (224 after 256 by default; insightface: its property size)', positiveInt('--image-size'))
    .option('--epoch <which>', 'last, or best (the validation-selected epoch)', 'last')
    .requiredOption('--out <file>', 'embeddings .npy (n × d float32)')
    .option('--labels-out <file>', 'also write the split\'s labels (one per line)')
    .action(async (o: EmbedCli) => {
      if (o.epoch !== 'best' && o.epoch !== 'last') throw new Error(`--epoch: best or last, got "${o.epoch}"`);
      if ((o.run === undefined) === (o.onnx === undefined)) throw new Error('facet embed: give exactly one of --run RUN or --onnx MODEL.onnx');
      checkOutputFolder(o.out, '--out');
      if (o.labelsOut) checkOutputFolder(o.labelsOut, '--labels-out');
      const datasetFile = o.dataset.startsWith('features:') ? o.dataset.slice('features:'.length) : undefined;
      const model = o.run !== undefined ? { flag: '--run', path: `${o.run}/checkpoint.json` } : { flag: '--onnx', path: o.onnx };
      for (const out of [{ flag: '--out', path: o.out }, ...(o.labelsOut ? [{ flag: '--labels-out', path: o.labelsOut }] : [])]) {
        checkOutputIsNoInput(out, [{ flag: '--dataset features:', path: datasetFile }, { flag: '--labels', path: o.labels }, model]);
      }
      const s = await loadEmbeddingSplit(o.dataset, o.split, o);
      let epoch: number | null = null;
      let embedder: BatchEmbedder;
      if (o.onnx !== undefined) {
        embedder = await openOnnxEmbedder(o.onnx, s.sampleShape);
      } else {
        const trained = loadTrainedModel(o.run!, s.sampleShape, o.epoch);
        embedder = modelEmbedder(trained.model, `run ${o.run}`);
        epoch = trained.epoch;
      }
      const e = await embedSourceWithProgress('embed', embedder, s);
      const dim = embedder.embeddingDim;
      checkFinite({ data: e, rows: s.n, cols: dim }, `embeddings by ${o.run ?? o.onnx} (not written to ${o.out})`);
      writeNpy(o.out, { dtype: 'float32', shape: [s.n, dim], data: e });
      if (o.labelsOut) writeLabels(o.labelsOut, s.labels);
      process.stdout.write(JSON.stringify({ out: o.out, rows: s.n, dim, epoch, labels: o.labelsOut ?? null }) + '\n');
    });
}
