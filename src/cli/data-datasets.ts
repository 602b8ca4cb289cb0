import type { Command } from 'commander';
import { checkDataset, indexDataset } from '../data/datasets/index.js';
import { downloadDataset } from '../data/download/index.js';
import { buildGlyphs, debianGlyphFaces } from '../data/glyphs/index.js';
import { positiveInt } from './parse.js';
import { progress, type Progress } from '../report/progress.js';

/** `facet data check` and `facet data download`, added to the `facet data` group. */
export function registerDatasetCommands(data: Command): void {
  data
    .command('check')
    .description('check a dataset (sop, inshop, cub, cars, fashion-mnist, glyphs, folder:PATH, insightface:DIR): files, listed images, image headers; exits 1 on problems')
    .argument('<dataset>', 'dataset name, folder:PATH or insightface:DIR')
    .option('--root <dir>', 'dataset folder (fashion-mnist: default Debian\'s /usr/share/datasets/fashion-mnist)')
    .option('--json', 'print only the JSON report')
    .option('--no-decode', 'skip reading image headers (existence only)')
    .action(async (dataset: string, o: { root?: string; json?: boolean; decode: boolean }) => {
      const total = o.decode ? Object.values(indexDataset(dataset, o.root).splits).flat().filter((it) => it.path || it.record).length : 0;
      const bar: Progress | undefined = total > 0 ? progress('checking images', total, 'images') : undefined;
      const report = await checkDataset(dataset, o.root, { decode: o.decode, onImage: () => bar?.tick() });
      bar?.stop();
      process.stdout.write(JSON.stringify(report, null, o.json ? undefined : 2) + '\n');
      if (report.problems.length > 0) process.exitCode = 1;
    });
  data
    .command('download')
    .description('download sop, cub, cars or fashion-mnist: resumable, MD5-verified, extracted; skipped when already verified (inshop: prints where to put the manual download)')
    .argument('<dataset>', 'sop | cub | cars | fashion-mnist | inshop')
    .requiredOption('--root <dir>', 'folder to download into')
    .option('--url <base>', 'fetch the files from this base URL (file name appended) instead of the published one')
    .option('--keep-archives', 'keep the archives after extraction')
    .action(async (dataset: string, o: { root: string; url?: string; keepArchives?: boolean }) => {
      let bar: Progress | undefined;
      let last = 0;
      const result = await downloadDataset(dataset, o.root, {
        url: o.url,
        keepArchives: o.keepArchives,
        log: (line) => process.stderr.write(`${line}\n`),
        onBytes: (got, total) => {
          if (total === undefined) return;
          if (!bar || got < last) {
            bar?.stop();
            bar = progress('download', Math.ceil(total / 2 ** 20), 'MiB');
            last = 0;
          }
          const mib = Math.floor(got / 2 ** 20);
          if (mib > last) bar.tick(mib - last);
          last = mib;
        },
      });
      bar?.stop();
      process.stdout.write(JSON.stringify(result) + '\n');
    });
  data
    .command('glyphs')
    .description('build the many-class glyph benchmark: CJK characters × Debian font faces, 32×32 grey, seeded jitter → OUT/glyphs.npz + manifest.json')
    .requiredOption('--out <dir>', 'output folder (then: --dataset glyphs --root OUT)')
    .option('--min-faces <n>', 'faces a character needs to become a class', positiveInt('--min-faces'), 15)
    .option('--size <px>', 'image side', positiveInt('--size'), 32)
    .option('--seed <s>', 'jitter seed', (v) => Number(v), 0)
    .option('--install', 'apt-get install the missing font packages (root)')
    .option('--format <format>', 'npz, or insightface: also write the training classes as OUT/train.rec, train.idx, property (3-channel PNG, lossless)', 'npz')
    .action(async (o: { out: string; minFaces: number; size: number; seed: number; install?: boolean; format: string }) => {
      if (o.format !== 'npz' && o.format !== 'insightface') throw new Error(`--format: npz or insightface, got "${o.format}"`);
      const faces = debianGlyphFaces(o.install ?? false);
      const bar = progress('rendering faces', faces.length, 'faces');
      const manifest = await buildGlyphs({ ...o, format: o.format, faces, onFace: () => bar.tick() });
      bar.stop();
      const { characters: _chars, ...summary } = manifest;
      process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    });
}
