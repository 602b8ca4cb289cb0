import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonFile, RUN_MARKERS } from '../../data/files/index.js';

/** An experiment grid, checked: every variant's options are valid options of `command`. */
export interface Grid {
  /** the grid file, for messages and the report */
  file: string;
  command: GridCommandName;
  /** the options every variant starts from, under their flag names (as in a run's config.json) */
  base: Record<string, unknown>;
  /** the first one is the reference of the paired differences */
  variants: { name: string; options: Record<string, unknown> }[];
  seeds: number[];
  /** paths into the run's result file (`test.recall@1`) */
  metrics: string[];
}

export type GridCommandName = 'train' | 'semi';

/** How the grid enters a run of one command: when it is finished, how it continues, where its numbers are. */
export interface GridCommand {
  /** the run's file of final numbers, which the metric paths index */
  resultFile: string;
  defaultMetrics: string[];
  /** the run's metrics.jsonl with epoch rows (the validation curves) */
  curvesFile: string;
  finished(runDir: string): boolean;
  /** the arguments that put the command's output in `runDir`: a new run, or the continuation of a started one */
  placeArgs(runDir: string): string[];
}

const holdsRun = (runDir: string) => RUN_MARKERS.some((m) => existsSync(join(runDir, m)));

export const GRID_COMMANDS: Record<GridCommandName, GridCommand> = {
  train: {
    resultFile: 'result.json',
    defaultMetrics: ['test.recall@1', 'test.mapAtR'],
    curvesFile: 'metrics.jsonl',
    // an interrupted run writes its result.json too, saying so
    finished: (dir) => existsSync(join(dir, 'result.json')) && readJsonFile<{ interrupted?: boolean }>(join(dir, 'result.json')).interrupted === false,
    // a checkpoint continues; a start that died before its first checkpoint (config.json only) starts again
    placeArgs: (dir) => existsSync(join(dir, 'checkpoint.json')) ? ['--resume', dir] : holdsRun(dir) ? ['--out', dir, '--overwrite'] : ['--out', dir],
  },
  semi: {
    resultFile: 'evaluation.json',
    defaultMetrics: ['after.recall@1', 'after.mapAtR'],
    curvesFile: 'retrain/metrics.jsonl',
    finished: (dir) => existsSync(join(dir, 'stages.json')) && (readJsonFile<{ finished?: unknown[] }>(join(dir, 'stages.json')).finished ?? []).includes('report'),
    // the loop's --resume starts at its first unfinished stage (the first one when none is)
    placeArgs: (dir) => holdsRun(dir) ? ['--out', dir, '--resume'] : ['--out', dir],
  },
};

/** One cell of the grid: a variant on a seed, in its own run folder `OUT/<variant>/seed-<s>`. */
export interface GridRun {
  variant: string;
  seed: number;
  dir: string;
}

/**
 * The runs in the order they are made: seed by seed, every variant on a seed before the next seed,
 * so a grid stopped part-way has whole seeds that pair every variant.
 */
export function gridRuns(grid: Grid, out: string): GridRun[] {
  return grid.seeds.flatMap((seed) => grid.variants.map((v) => ({ variant: v.name, seed, dir: join(out, v.name, `seed-${seed}`) })));
}

/** A variant's options: the base's, overridden by its own. */
export function variantOptions(grid: Grid, name: string): Record<string, unknown> {
  const v = grid.variants.find((x) => x.name === name);
  if (!v) throw new Error(`grid ${grid.file}: no variant "${name}"`);
  return { ...grid.base, ...v.options };
}

/** A value in a run's result file by a dotted path (`test.recall@1`); undefined when a step is missing or the value is not a finite number. */
export function metricValue(result: unknown, path: string): number | undefined {
  let v: unknown = result;
  for (const key of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
