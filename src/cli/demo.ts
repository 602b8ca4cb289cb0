import type { Command } from 'commander';
import { join } from 'node:path';
import { demoGlyphs } from '../pipeline/demo.js';
import { withRunFolder } from '../data/files/index.js';
import { claimOf, printSummary, semiOptions, semiRunConfig, toSemiOptions, type SemiCli } from './semi.js';
import { runSemi } from '../pipeline/semi/run.js';
import { positiveInt } from './parse.js';

export function registerDemo(program: Command): void {
  semiOptions(program.command('demo')
    .description('the main job on offline data: the semi-supervised loop on glyphs rendered from Debian fonts (15% of the classes labelled) → report.html')
    .option('--characters <n>', 'CJK characters to render (each a class; about half train, half test)', positiveInt('--characters'), 3000)
    .option('--install-fonts', 'apt-get install the font packages when missing (root)', false), {
    out: 'runs/demo', labelledFraction: 0.15, epochs: 15, maxTestClasses: 600, knnK: 31, naanKHops: [10, 5], naanSampleHops: 30, naanEpochs: 1, naanMaxSteps: 300,
  })
    .action(async (o: SemiCli & { characters: number; installFonts: boolean }, cmd: Command) => {
      const t0 = Date.now();
      const s = await withRunFolder(o.out, claimOf(o), async () => {
        const root = await demoGlyphs(join(o.out, 'glyphs'), o.characters, o.seed, o.installFonts);
        return runSemi(toSemiOptions({ ...o, dataset: 'glyphs', root }, true, semiRunConfig(cmd)), 'facet demo: semi-supervised training on glyphs with pseudo-labels',
          (st) => process.stderr.write(`facet demo: ${st}…\n`));
      });
      printSummary(s, (Date.now() - t0) / 1000);
    });
}
