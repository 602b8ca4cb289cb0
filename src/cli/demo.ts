import type { Command } from 'commander';
import { runDemo } from '../pipeline/demo.js';
import { positiveInt } from './parse.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('the main job on offline data: synthetic faces → kNN → propagation → pseudo-labels → report.html')
    .option('--out <dir>', 'run folder', 'runs/demo')
    .option('--ids <n>', 'hidden identities', positiveInt('--ids'), 500)
    .option('--images <n>', 'face features', positiveInt('--images'), 34000)
    .option('--dim <d>', 'feature dimension', positiveInt('--dim'), 128)
    .option('--k <k>', 'neighbours per node (self included)', positiveInt('--k'), 20)
    .option('--seed <s>', 'random seed', (v) => Number(v), 0)
    .action(async (o: { out: string; ids: number; images: number; dim: number; k: number; seed: number }) => {
      const t0 = Date.now();
      const s = await runDemo({ ...o, onStage: (st) => process.stderr.write(`facet demo: ${st}…\n`) });
      const f = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : 'NaN');
      process.stdout.write([
        `pseudo-labels: ${s.pseudoLabels} (${s.numClusters} clusters)`,
        `BCubed F ${f(s.all.bcubed.fscore)} (P ${f(s.all.bcubed.precision)}, R ${f(s.all.bcubed.recall)}) on all items; ` +
          `${f(s.kept.bcubed.fscore)} after removing singletons (${(100 * s.kept.discardRatio).toFixed(1)}% discarded)`,
        `report: ${s.report}`,
        `done in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      ].join('\n') + '\n');
    });
}
