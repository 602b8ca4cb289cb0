import { Command } from 'commander';
import { applyConfigValues, optionKey, readConfigFile } from './config.js';
import { registerSemi } from './semi.js';
import { registerTrain } from './train.js';
import { GRID_COMMANDS, type Grid, type GridCommandName } from '../pipeline/compare/grid.js';

const GRID_KEYS = ['command', 'base', 'variants', 'seeds', 'metrics'];
const VARIANT_KEYS = ['name', 'options'];
/** Options the grid sets itself for every run (where it goes, its seed, how it is entered). */
const SET_BY_GRID = ['out', 'resume', 'overwrite', 'seed', 'from', 'config'];
/** What the grid writes beside its variants' folders. */
const GRID_FILES = ['comparison.json', 'report.html'];
const REGISTER: Record<GridCommandName, (program: Command) => void> = { train: registerTrain, semi: registerSemi };

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads a grid file (YAML or JSON) and checks it whole before anything runs: its keys, the variants'
 * names (folder names, unique), the seeds, and every variant's options (base + its own) against the
 * command's options, with the same checks `--config` makes. Each error names the file and the key.
 */
export function readGrid(path: string): Grid {
  const raw = readConfigFile(path);
  const bad = (where: string, msg: string): never => { throw new Error(`grid ${path}: ${where}: ${msg}`); };
  for (const k of Object.keys(raw)) if (!GRID_KEYS.includes(k)) bad(`"${k}"`, `unknown key (a grid has ${GRID_KEYS.join(', ')})`);
  const command = (raw.command ?? 'train') as GridCommandName;
  if (!Object.hasOwn(GRID_COMMANDS, command)) bad('"command"', `one of ${Object.keys(GRID_COMMANDS).join(', ')}, got ${JSON.stringify(raw.command)}`);
  const base: unknown = raw.base ?? {};
  if (!isMapping(base)) return bad('"base"', 'expected a mapping of option names to values');
  if (!Array.isArray(raw.variants) || raw.variants.length === 0) bad('"variants"', 'expected a list of variants ({name, options}), at least one');
  const variants = (raw.variants as unknown[]).map((v, i) => {
    const where = `variants[${i}]`;
    if (!isMapping(v)) return bad(where, 'expected a mapping with "name" and "options"');
    for (const k of Object.keys(v)) if (!VARIANT_KEYS.includes(k)) bad(`${where}: "${k}"`, `unknown key (a variant has ${VARIANT_KEYS.join(', ')})`);
    if (typeof v.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(v.name)) {
      bad(`${where}: "name"`, `a folder name of letters, digits, ".", "_", "-", got ${JSON.stringify(v.name)}`);
    }
    if (GRID_FILES.includes(v.name as string)) bad(`${where}: "name"`, `"${v.name}" is a file of the grid's folder; choose another name`);
    const options = v.options ?? {};
    if (!isMapping(options)) return bad(`${where} (${v.name}): "options"`, 'expected a mapping of option names to values');
    return { name: v.name as string, options };
  });
  const names = variants.map((v) => v.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) bad('"variants"', `the name "${twice}" is used twice (each variant is a folder)`);
  const seeds = raw.seeds;
  if (!Array.isArray(seeds) || seeds.length === 0 || !seeds.every((s) => Number.isInteger(s))) bad('"seeds"', `expected a list of integers, at least one, got ${JSON.stringify(seeds)}`);
  if (new Set(seeds as number[]).size !== (seeds as number[]).length) bad('"seeds"', `a seed is listed twice: ${JSON.stringify(seeds)}`);
  const metrics = raw.metrics ?? GRID_COMMANDS[command].defaultMetrics;
  if (!Array.isArray(metrics) || metrics.length === 0 || !metrics.every((m) => typeof m === 'string' && m.length > 0)) {
    bad('"metrics"', `expected a list of paths into the run's ${GRID_COMMANDS[command].resultFile} (e.g. ${GRID_COMMANDS[command].defaultMetrics.join(', ')}), got ${JSON.stringify(metrics)}`);
  }
  const grid: Grid = { file: path, command, base, variants, seeds: seeds as number[], metrics: metrics as string[] };
  for (const v of variants) checkOptions(grid, v, `grid ${path}`);
  return grid;
}

/** A variant's options on a fresh instance of the command: unknown options, wrong values and missing required ones are errors. */
function checkOptions(grid: Grid, v: Grid['variants'][number], where: string): void {
  const program = new Command('facet');
  REGISTER[grid.command](program);
  const cmd = program.commands[0];
  for (const [part, values] of [['base', grid.base], [`variant "${v.name}"`, v.options]] as const) {
    for (const k of Object.keys(values)) {
      if (SET_BY_GRID.includes(optionKey(k))) throw new Error(`${where}: ${part}: "${k}" is set by the grid for each run (seeds: the grid's "seeds"; the folder: --out), not by the options`);
    }
    applyConfigValues(cmd, values, `${where}: ${part}`);
  }
  for (const opt of cmd.options) {
    if (opt.mandatory && cmd.getOptionValue(opt.attributeName()) === undefined) {
      throw new Error(`${where}: variant "${v.name}": the required option "${opt.long?.slice(2)}" of "facet ${grid.command}" is set neither in "base" nor in the variant`);
    }
  }
}
