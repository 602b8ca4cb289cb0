import type { Command } from 'commander';
import { setupBackend, type BackendName } from '../compute/backend.js';
import { checkFinite, checkOutputIsNoInput, writeLabels, writeNpy } from '../data/files/index.js';
import { embedWithProgress } from '../cli/embed-progress.js';
import { loadTrainingData } from './load-dataset.js';
import { loadTrainedModel } from './trained-model.js';

interface EmbedCli { run: string; dataset: string; root?: string; labels?: string; split: 'train' | 'test'; epoch: 'best' | 'last'; out: string; labelsOut?: string; backend: BackendName }

/** `facet embed`: L2-normalised embeddings of a dataset split by a trained run, for kNN and clustering. */
export function registerEmbed(program: Command): void {
  program
    .command('embed')
    .description('write the L2-normalised embeddings of a dataset split, by the model of a facet train run, to .npy (for facet knn / cluster / eval)')
    .requiredOption('--run <dir>', 'run folder of facet train (its checkpoint.json)')
    .requiredOption('--dataset <name>', 'fashion-mnist, glyphs (with --root) or features:PATH (with --labels)')
    .option('--root <dir>', 'dataset folder')
    .option('--labels <file>', 'labels of features:PATH')
    .option('--split <name>', 'train or test', 'test')
    .option('--epoch <which>', 'last, or best (the validation-selected epoch)', 'last')
    .requiredOption('--out <file>', 'embeddings .npy (n × d float32)')
    .option('--labels-out <file>', 'also write the split\'s labels (one per line)')
    .option('--backend <name>', 'tfjs backend: auto, native, cpu, wasm, tensorflow', 'auto')
    .action(async (o: EmbedCli) => {
      if (o.split !== 'train' && o.split !== 'test') throw new Error(`--split: train or test, got "${o.split}"`);
      if (o.epoch !== 'best' && o.epoch !== 'last') throw new Error(`--epoch: best or last, got "${o.epoch}"`);
      const datasetFile = o.dataset.startsWith('features:') ? o.dataset.slice('features:'.length) : undefined;
      for (const out of [{ flag: '--out', path: o.out }, ...(o.labelsOut ? [{ flag: '--labels-out', path: o.labelsOut }] : [])]) {
        checkOutputIsNoInput(out, [{ flag: '--dataset features:', path: datasetFile }, { flag: '--labels', path: o.labels }, { flag: '--run', path: `${o.run}/checkpoint.json` }]);
      }
      await setupBackend(o.backend);
      const data = await loadTrainingData(o.dataset, o);
      const s = o.split === 'train' ? data.train : data.test;
      if (!s) throw new Error(`--dataset ${o.dataset} has no test split (give --test-features to facet train, or use --split train)`);
      const { model, epoch } = loadTrainedModel(o.run, s.sampleShape, o.epoch);
      const e = embedWithProgress('embed', model, s);
      checkFinite({ data: e, rows: s.n, cols: model.embeddingDim }, `embeddings by ${o.run} (not written to ${o.out})`);
      writeNpy(o.out, { dtype: 'float32', shape: [s.n, model.embeddingDim], data: e });
      if (o.labelsOut) writeLabels(o.labelsOut, s.labels);
      process.stdout.write(JSON.stringify({ out: o.out, rows: s.n, dim: model.embeddingDim, epoch, labels: o.labelsOut ?? null }) + '\n');
    });
}
