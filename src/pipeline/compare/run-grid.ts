import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../../data/files/index.js';
import { compareRuns, previousWallSeconds, type Comparison, type RunStatus } from './comparison.js';
import { GRID_COMMANDS, gridRuns, variantOptions, type Grid } from './grid.js';
import { writeComparisonReport } from './report.js';

/** facet's own command line, so every run of the grid is exactly what a user would get by hand. */
const FACET_BIN = join(dirname(fileURLToPath(import.meta.url)), '../../../../bin/facet.js');

/** A variant's merged options, the --config of each of its runs. */
const OPTIONS_FILE = 'options.json';

export interface GridOutcome {
  comparison: Comparison;
  report: string;
  interrupted: boolean;
  failed: number;
}

/**
 * Runs every variant × seed of the grid, one at a time, each as `facet <command> --config
 * OUT/<variant>/options.json --seed S` into `OUT/<variant>/seed-S`. Re-entrant: finished runs are
 * skipped, started ones continue from their checkpoint. Ctrl-C (SIGINT) is passed to the running
 * command, which saves its state; the grid then stops. comparison.json and report.html are rewritten
 * after every run, so they always show the grid as it stands. `threads` goes to every run (--threads).
 */
export async function runGrid(grid: Grid, out: string, log: (line: string) => void, o: { threads?: number } = {}): Promise<GridOutcome> {
  const command = GRID_COMMANDS[grid.command];
  writeVariantOptions(grid, out);
  const previous = previousWallSeconds(out, grid);
  const runs = gridRuns(grid, out).map((r) => ({
    ...r, status: (command.finished(r.dir) ? 'finished' : 'pending') as RunStatus,
    wallSeconds: previous.get(relative(out, r.dir)) ?? null, exitCode: undefined as number | undefined,
  }));
  const save = async () => {
    const comparison = compareRuns(grid, out, runs);
    writeFileAtomic(join(out, 'comparison.json'), JSON.stringify(comparison, null, 2) + '\n');
    return { comparison, report: await writeComparisonReport(out, comparison) };
  };
  await save();
  const skipped = runs.filter((r) => r.status === 'finished').length;
  if (skipped) log(`${skipped} of ${runs.length} runs already finished: skipped`);

  let stop = false;
  let child: ReturnType<typeof spawn> | undefined;
  const onSigint = () => { stop = true; child?.kill('SIGINT'); };
  process.on('SIGINT', onSigint);
  try {
    for (const run of runs) {
      if (stop) break;
      if (run.status === 'finished') continue;
      const place = command.placeArgs(run.dir);
      log(`run ${runs.indexOf(run) + 1}/${runs.length}: ${run.variant} seed ${run.seed}${place.includes('--resume') ? ' (continuing it)' : ''}; ${progressLine(runs)}`);
      const t0 = Date.now();
      const args = [FACET_BIN, ...(o.threads !== undefined ? ['--threads', String(o.threads)] : []), grid.command, '--config', join(out, run.variant, OPTIONS_FILE), '--seed', String(run.seed), ...place];
      const code = await new Promise<number>((resolve, reject) => {
        child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
        child.on('error', reject);
        // a command killed by a signal reads as the shell's 128 + n (130 for SIGINT)
        child.on('exit', (c, signal) => resolve(c ?? 128 + (signal ? constants.signals[signal] : 0)));
      });
      child = undefined;
      run.wallSeconds = (run.wallSeconds ?? 0) + (Date.now() - t0) / 1000;
      run.exitCode = code === 0 ? undefined : code;
      if (code === 130) { run.status = 'interrupted'; stop = true; }
      else run.status = code === 0 && command.finished(run.dir) ? 'finished' : 'failed';
      log(`${run.variant} seed ${run.seed}: ${run.status}${code ? ` (exit ${code})` : ''} after ${run.wallSeconds.toFixed(1)} s${place.includes('--resume') ? ' in all' : ''}; ${progressLine(runs)}`);
      await save();
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
  const { comparison, report } = await save();
  return { comparison, report, interrupted: stop, failed: runs.filter((r) => r.status === 'failed').length };
}

/** Runs done of the whole grid, and the time left at the mean wall time of the runs the grid has timed. */
export function progressLine(runs: { status: RunStatus; wallSeconds: number | null }[]): string {
  const done = runs.filter((r) => r.status === 'finished');
  const timed = done.filter((r) => r.wallSeconds !== null).map((r) => r.wallSeconds!);
  const left = runs.length - done.length;
  const eta = left === 0 ? 'none left' : timed.length ? `ETA ${duration(left * timed.reduce((a, b) => a + b, 0) / timed.length)}` : 'ETA after the first run';
  return `${done.length}/${runs.length} runs done, ${eta}`;
}

function duration(seconds: number): string {
  const s = Math.round(seconds);
  return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/**
 * Writes each variant's merged options where its runs read them. A variant whose runs were made with
 * other options is refused: its runs would mix two settings in one row of the table.
 */
function writeVariantOptions(grid: Grid, out: string): void {
  for (const v of grid.variants) {
    const path = join(out, v.name, OPTIONS_FILE);
    const text = JSON.stringify(variantOptions(grid, v.name), null, 2) + '\n';
    if (existsSync(path) && readFileSync(path, 'utf8') !== text) {
      throw new Error(`grid ${grid.file}: variant "${v.name}" has other options than its runs in ${dirname(path)} (${path}): give the variant a new name, or start again with --overwrite`);
    }
    mkdirSync(dirname(path), { recursive: true });
    writeFileAtomic(path, text);
  }
}
