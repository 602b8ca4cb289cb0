import { readJsonFile } from '../data/files/index.js';
import type { Command } from 'commander';
import { goldenKinds } from './golden-kinds.js';

/** Replaces NaN/±Infinity by null, as the fixtures write NaN. */
function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  return value;
}

export function runGolden(kind: string, casePath: string): unknown {
  const run = goldenKinds[kind];
  if (!run) {
    const known = Object.keys(goldenKinds).sort().join(', ') || '(none yet)';
    throw new Error(`golden: unknown kind "${kind}" (known: ${known})`);
  }
  const doc = readJsonFile<{ kind?: string; inputs?: unknown }>(casePath);
  if (doc.kind !== undefined && doc.kind !== kind) {
    throw new Error(`golden: ${casePath} is a "${doc.kind}" case, not "${kind}"`);
  }
  if (doc.inputs === undefined) throw new Error(`golden: ${casePath} has no "inputs"`);
  return run(doc.inputs);
}

export function registerGolden(program: Command): void {
  program
    .command('golden')
    .description('run a golden case (test/fixtures/golden/KIND/case-NN.json) and print outputs as JSON (same keys as the case)')
    .argument('<kind>', `case kind: ${Object.keys(goldenKinds).sort().join(', ')}`)
    .argument('<case>', 'path to case-NN.json')
    .action((kind: string, casePath: string) => {
      process.stdout.write(JSON.stringify(runGolden(kind, casePath), jsonSafe) + '\n');
    });
}
