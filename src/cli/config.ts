import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Command, Option } from 'commander';
import { fsError } from '../data/files/index.js';

/** Reads a run config (YAML or JSON) into a flat object of option values. */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`config ${fsError('read', path, err).message}`);
  }
  let value: unknown;
  try {
    value = parse(text);
  } catch (err) {
    throw new Error(`config ${path}: not valid YAML/JSON: ${(err as Error).message}`);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`config ${path}: expected a mapping of option names to values`);
  }
  return value as Record<string, unknown>;
}

/** kebab-case or snake_case → commander's camelCase attribute name. */
export function optionKey(name: string): string {
  return name.replace(/[-_]([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * A config value as the option's own flag would have produced it: booleans for flag options, and for
 * options with a value the text the user would have typed (numbers as strings, lists joined by commas)
 * run through the option's argParser, so the file gets exactly the flag's checks.
 */
function configValue(opt: Option, value: unknown, previous: unknown, where: string): unknown {
  const bad = (msg: string): never => { throw new Error(`${where}: ${msg}`); };
  if (opt.isBoolean()) {
    if (typeof value !== 'boolean') bad(`must be true or false, got ${JSON.stringify(value)}`);
    return value;
  }
  const text = Array.isArray(value) && value.every((v) => typeof v === 'number' || typeof v === 'string')
    ? value.join(',')
    : typeof value === 'number' || typeof value === 'string' ? String(value) : bad(`expected a value like its flag ${opt.flags} takes, got ${JSON.stringify(value)}`);
  const parser = (opt as unknown as { parseArg?: (v: string, prev: unknown) => unknown }).parseArg;
  let parsed: unknown = text;
  if (parser) {
    try {
      parsed = parser(text, previous);
    } catch (err) {
      bad((err as Error).message);
    }
  }
  // a list only where the flag itself takes a comma-separated list
  if (Array.isArray(value) && !Array.isArray(parsed)) bad(`takes one value, not a list (got ${JSON.stringify(value)})`);
  return parsed;
}

/** Options older runs recorded that no longer exist: `backend`, the TensorFlow.js backend, from before facet had one engine. */
const RETIRED_KEYS = new Set(['backend']);

/**
 * Applies `--config FILE` to a command before it parses its own arguments: every value in the file
 * becomes the option's value (so it also satisfies a required option), and flags parsed afterwards
 * override it. Unknown keys and wrong types are errors naming the key and the file; `environment` (what a
 * run folder records about the machine) and retired options are skipped, so a loop's config.json is read back as it is.
 */
export function applyConfig(cmd: Command, path: string, o: { onlyUnset?: boolean } = {}): void {
  applyConfigValues(cmd, readConfigFile(path), `config ${path}`, o);
}

/** `applyConfig` on values already read (a grid's base and variant options); `where` names their place in messages. */
export function applyConfigValues(cmd: Command, values: Record<string, unknown>, where: string, o: { onlyUnset?: boolean } = {}): void {
  const known = new Map(cmd.options.map((opt) => [opt.attributeName(), opt]));
  for (const [rawKey, value] of Object.entries(values)) {
    // a run folder's config.json also records the machine it ran on: no option
    if (rawKey === 'environment') continue;
    if (RETIRED_KEYS.has(rawKey)) continue;
    const key = optionKey(rawKey);
    const opt = known.get(key);
    if (!opt) throw new Error(`${where}: unknown option "${rawKey}" for "facet ${cmd.name()}"`);
    const source = cmd.getOptionValueSource(key);
    if (o.onlyUnset && source !== undefined && source !== 'default') continue;
    cmd.setOptionValueWithSource(key, configValue(opt, value, cmd.getOptionValue(key), `${where}: "${rawKey}"`), 'config');
  }
}

/**
 * `--resume RUN`: the options not given on the command line (nor by --config) come from the run's own
 * config.json, so the run continues with its settings whatever today's defaults are. A config.json of
 * an older facet (internal names, not flags) is not read: the checkpoint's check of the settings that
 * must match still guards the resume.
 */
export function resumeWithRunConfig(cmd: Command, runDir: string): void {
  const path = join(runDir, 'config.json');
  if (!existsSync(path)) return;
  const known = new Set(cmd.options.map((opt) => opt.attributeName()));
  const keys = Object.keys(readConfigFile(path)).filter((k) => k !== 'environment' && !RETIRED_KEYS.has(k));
  if (keys.some((k) => !known.has(optionKey(k)))) {
    process.stderr.write(`note: ${path} was written by an older facet (not flag names): give the run's options on the command line\n`);
    return;
  }
  applyConfig(cmd, path, { onlyUnset: true });
}

/**
 * Installs the config on every command that runs an action: a preSubcommand hook on each command with
 * subcommands, so the values are in place before commander checks required options (its preAction
 * hooks run only after that check).
 */
export function installConfigHooks(cmd: Command): void {
  if (cmd.commands.length === 0) return;
  cmd.hook('preSubcommand', (parent, sub) => {
    const path = parent.optsWithGlobals().config as string | undefined;
    if (path && sub.commands.length === 0) applyConfig(sub, path);
  });
  for (const sub of cmd.commands) installConfigHooks(sub);
}

/**
 * A command's resolved option values under their flag names (what `--config` reads back), leaving out
 * unset options and the `omit` flags (e.g. where the run goes, which a rerun chooses anew).
 */
export function resolvedOptions(cmd: Command, omit: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const opt of cmd.options) {
    const flag = opt.long?.replace(/^--(no-)?/, '');
    const value = cmd.getOptionValue(opt.attributeName());
    if (flag && value !== undefined && !omit.includes(flag)) out[flag] = value;
  }
  return out;
}
