import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { withRunFolder } from '../data/files/index.js';
import { readGrid } from './compare-grid.js';
import type { Comparison } from '../pipeline/compare/comparison.js';
import { runGrid } from '../pipeline/compare/run-grid.js';

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('runs an experiment grid (variants × seeds, each a normal run folder; re-entrant) and writes comparison.json and report.html: per metric mean ± sd, per-seed values, the paired difference to the first variant with its 95 % t interval')
    .argument('<grid>', 'grid file (YAML or JSON): command, base, variants, seeds, metrics')
    .option('--out <dir>', 'the grid\'s folder: OUT/<variant>/seed-<s> run folders, comparison.json, report.html', 'runs/compare')
    .option('--overwrite', 'replace the grid already in --out, its runs included (they are removed first)', false)
    .action(async (gridPath: string, o: { out: string; overwrite: boolean }, cmd: Command) => {
      const grid = readGrid(gridPath);
      // a grid's own folder is re-entered (finished runs are kept); a folder of any other run is refused
      const reentry = existsSync(join(o.out, 'comparison.json'));
      const r = await withRunFolder(o.out, { flag: '--out', resume: reentry && !o.overwrite, overwrite: o.overwrite },
        () => runGrid(grid, o.out, (line) => process.stderr.write(`facet compare: ${line}\n`), { threads: cmd.optsWithGlobals().threads as number | undefined }));
      process.stdout.write(formatComparison(r.comparison) + `report: ${r.report}\n`);
      if (r.interrupted) {
        process.stderr.write(`facet compare: interrupted; run the same command again to continue the grid (finished runs are kept, the stopped one resumes from its checkpoint)\n`);
        process.exitCode = 130;
      } else if (r.failed) {
        process.stderr.write(`facet compare: ${r.failed} run(s) failed (see "Runs" in ${r.report}); running the command again retries them\n`);
        process.exitCode = 1;
      }
    });
}

/** The table in the terminal: per metric and variant mean ± sd, and the paired difference with its interval. */
function formatComparison(c: Comparison): string {
  const f = (x: number | null) => (x === null ? '—' : x.toFixed(2));
  const s = (x: number | null) => (x === null ? '—' : `${x >= 0 ? '+' : ''}${x.toFixed(2)}`);
  const width = Math.max(...c.grid.variants.map((v) => v.name.length));
  const lines = [`${c.done} of ${c.total} runs finished`];
  for (const m of c.metrics) {
    lines.push(m.metric);
    for (const v of m.variants) {
      const d = v.difference;
      const diff = d ? `  Δ ${s(d.mean)} ${d.interval ? `[${s(d.interval[0])}, ${s(d.interval[1])}]` : '(no interval: fewer than 2 paired seeds)'} over ${d.n} paired seeds` : '  (reference)';
      lines.push(`  ${v.variant.padEnd(width)}  ${f(v.mean)} ± ${f(v.sd)} (${v.n} seeds)${diff}`);
    }
    if (m.missing.length) lines.push(`  not in the result of ${m.missing.join(', ')}`);
  }
  return lines.join('\n') + '\n';
}
