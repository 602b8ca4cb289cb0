import { join } from 'node:path';
import { Command } from 'commander';
import { synthFaces, knnPrecision } from '../data/synth/synth-faces.js';
import { withRunFolder, writeFeatures, writeLabels, writeFileAtomic } from '../data/files/index.js';
import { numberPair, positiveInt } from './parse.js';
import { registerDatasetCommands } from './data-datasets.js';
import { registerPackCommand } from './data-pack.js';

/** `facet data …`: dataset tools. */
export function registerData(program: Command): Command {
  const data = program.command('data').description('datasets: generate synthetic face features, check and download datasets');
  data
    .command('synth-faces')
    .description('generate features shaped like MS1M part1_test (long-tailed identities, unit-norm, realistic kNN precision)')
    .option('--ids <n>', 'identities', positiveInt('--ids'), 8573)
    .option('--images <n>', 'images (rows)', positiveInt('--images'), 584013)
    .option('--dim <d>', 'feature dimension', positiveInt('--dim'), 256)
    .option('--seed <s>', 'random seed', (v) => Number(v), 0)
    .option('--spread <lo,hi>', 'per-identity noise σ drawn from [lo, hi] (larger = harder)', numberPair('--spread', true), [1.5, 2.5])
    .option('--nuisance <directions,scale>', 'add scale × one of `directions` shared nuisance directions to every image (the same directions for every --seed)', numberPair('--nuisance', false))
    .requiredOption('--out <dir>', 'output folder: features.bin, labels.meta, manifest.json')
    .option('--overwrite', 'replace a run folder already in --out (its files are removed first)', false)
    .action((o: { ids: number; images: number; dim: number; seed: number; spread: [number, number]; nuisance?: [number, number]; out: string; overwrite: boolean }) => withRunFolder(o.out, { flag: '--out', overwrite: o.overwrite }, () => {
      const s = synthFaces({ ...o, nuisance: o.nuisance && { directions: o.nuisance[0], scale: o.nuisance[1] } });
      writeFeatures(join(o.out, 'features.bin'), s.features);
      writeLabels(join(o.out, 'labels.meta'), s.labels);
      const sizes = Array.from(s.sizes).sort((a, b) => a - b);
      const manifest = {
        generator: 'facet data synth-faces',
        ...o,
        files: { features: 'features.bin (float32, rows × dim, no header)', labels: 'labels.meta (one identity per line)' },
        identitySize: { mean: o.images / o.ids, median: sizes[sizes.length >> 1], min: sizes[0], max: sizes[sizes.length - 1] },
        knnPrecision: knnPrecision(s.features, s.labels, [1, 10, 80], 2000, o.seed),
      };
      writeFileAtomic(join(o.out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
      process.stdout.write(JSON.stringify(manifest, null, 2) + '\n');
    }));
  registerDatasetCommands(data);
  registerPackCommand(data);
  return data;
}
