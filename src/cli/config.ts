import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Command } from 'commander';

/** Reads a run config (YAML or JSON) into a flat object of option values. */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`config ${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? err})`);
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
 * Applies `--config FILE` to a command about to run: every value in the file becomes the option's
 * value unless the same option was given on the command line (flags override the file).
 * Unknown keys are an error, so a typo in a config never passes silently.
 */
export function applyConfig(cmd: Command): void {
  const path = cmd.optsWithGlobals().config as string | undefined;
  if (!path) return;
  const known = new Map(cmd.options.map((o) => [o.attributeName(), o]));
  for (const [rawKey, value] of Object.entries(readConfigFile(path))) {
    const key = optionKey(rawKey);
    if (!known.has(key)) {
      throw new Error(`config ${path}: unknown option "${rawKey}" for "facet ${cmd.name()}"`);
    }
    if (cmd.getOptionValueSource(key) === 'cli') continue;
    cmd.setOptionValueWithSource(key, typeof value === 'number' ? String(value) : value, 'config');
  }
}
