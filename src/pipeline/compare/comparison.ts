import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readJsonFile } from '../../data/files/index.js';
import { pairedDifference, summarize, type PairedDifference } from '../../eval/paired-stats.js';
import { GRID_COMMANDS, metricValue, type Grid, type GridRun } from './grid.js';

/** finished: its result is there; pending: not started, or started and not finished (continued next time); failed: the command exited with an error. */
export type RunStatus = 'finished' | 'pending' | 'interrupted' | 'failed';

export interface RunRecord {
  variant: string;
  seed: number;
  /** the run folder, relative to the grid's folder */
  folder: string;
  status: RunStatus;
  /** wall seconds the grid spent on the run, summed over re-entries; null when the grid never ran it (found finished) */
  wallSeconds: number | null;
  exitCode?: number;
}

export interface VariantRow {
  variant: string;
  /** one entry per grid seed; null where the run has not finished or lacks the metric */
  perSeed: { seed: number; value: number | null }[];
  n: number;
  mean: number | null;
  sd: number | null;
  /** this variant − the first variant over the seeds both have; null for the first variant */
  difference: (PairedDifference & { reference: string }) | null;
}

export interface MetricTable {
  metric: string;
  variants: VariantRow[];
  /** finished runs whose result file lacks the metric ("variant/seed-s") */
  missing: string[];
}

export interface Comparison {
  grid: Grid;
  level: number;
  done: number;
  total: number;
  runs: RunRecord[];
  metrics: MetricTable[];
  updated: string;
}

export const LEVEL = 0.95;

/** The grid's table: per metric and variant the per-seed values, mean ± sd, and the paired difference to the first variant. */
export function compareRuns(grid: Grid, out: string, runs: (GridRun & Omit<RunRecord, 'folder' | 'variant' | 'seed'>)[]): Comparison {
  const command = GRID_COMMANDS[grid.command];
  const results = new Map<GridRun, unknown>();
  for (const r of runs) if (r.status === 'finished') results.set(r, readJsonFile(join(r.dir, command.resultFile)));
  const metrics = grid.metrics.map((metric): MetricTable => {
    const missing: string[] = [];
    const bySeed = new Map<string, Map<number, number>>(grid.variants.map((v) => [v.name, new Map()]));
    for (const [r, result] of results) {
      const value = metricValue(result, metric);
      if (value === undefined) missing.push(`${r.variant}/seed-${r.seed}`);
      else bySeed.get(r.variant)!.set(r.seed, value);
    }
    const reference = grid.variants[0].name;
    const variants = grid.variants.map(({ name }): VariantRow => {
      const values = bySeed.get(name)!;
      const s = summarize([...values.values()]);
      return {
        variant: name,
        perSeed: grid.seeds.map((seed) => ({ seed, value: values.get(seed) ?? null })),
        ...s,
        difference: name === reference ? null : { reference, ...pairedDifference(values, bySeed.get(reference)!, LEVEL) },
      };
    });
    return { metric, variants, missing };
  });
  return {
    grid, level: LEVEL, done: runs.filter((r) => r.status === 'finished').length, total: runs.length,
    runs: runs.map(({ dir, ...r }) => ({ ...r, folder: relative(out, dir) })),
    metrics, updated: new Date().toISOString(),
  };
}

/**
 * The wall seconds an earlier pass of the grid recorded per run (comparison.json), so that re-entries
 * add up; a folder of a grid of another command is refused.
 */
export function previousWallSeconds(out: string, grid: Grid): Map<string, number> {
  const path = join(out, 'comparison.json');
  const seconds = new Map<string, number>();
  if (!existsSync(path)) return seconds;
  const before = readJsonFile<Partial<Comparison>>(path);
  if (before.grid && before.grid.command !== grid.command) {
    throw new Error(`grid ${grid.file}: ${out} holds a grid of "facet ${before.grid.command}" runs (${path}), not "facet ${grid.command}": choose another --out, or start again with --overwrite`);
  }
  for (const r of before.runs ?? []) if (typeof r.wallSeconds === 'number') seconds.set(r.folder, r.wallSeconds);
  return seconds;
}
