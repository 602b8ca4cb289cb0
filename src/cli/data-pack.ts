import type { Command } from 'commander';
import { packInsightface } from '../data/datasets/index.js';
import { positiveInt } from './parse.js';
import { progress, type Progress } from '../report/progress.js';

/** `facet data pack`, added to the `facet data` group. */
export function registerPackCommand(data: Command): void {
  data
    .command('pack')
    .description('pack a folder of class sub-folders (folder:PATH) into insightface\'s MXNet RecordIO: OUT/train.rec, train.idx, property (then: --dataset insightface:OUT)')
    .argument('<dataset>', 'folder:PATH (one sub-folder per class, or list files)')
    .requiredOption('--out <dir>', 'output folder')
    .option('--image-size <px>', 'face side: JPEGs of this size are stored as they are, other images resized, centre-cropped and re-encoded (JPEG quality 95)', positiveInt('--image-size'), 112)
    .option('--split <name>', 'the split to pack when the folder has list files (default: train, or the first list)')
    .option('--root <dir>', 'dataset folder, for named datasets')
    .action(async (dataset: string, o: { out: string; imageSize: number; split?: string; root?: string }) => {
      let bar: Progress | undefined;
      const result = await packInsightface(dataset, {
        out: o.out, size: o.imageSize, split: o.split, root: o.root,
        onImage: (done, total) => {
          bar ??= progress('packing', total, 'images');
          bar.update(done);
        },
      });
      bar?.stop();
      process.stdout.write(JSON.stringify(result) + '\n');
    });
}
