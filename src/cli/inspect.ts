import type { Command } from 'commander';
import { describeFile } from '../data/files/index.js';

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description('describe a feature, label or kNN file as JSON (format, arrays, dtype, shape, value statistics)')
    .argument('<file>', '.npy, .npz, .bin (with --dim), .meta or .txt')
    .option('--dim <d>', 'row length of a raw .bin file', (v) => Number(v))
    .action((file: string, o: { dim?: number }) => {
      process.stdout.write(JSON.stringify(describeFile(file, o), null, 2) + '\n');
    });
}
