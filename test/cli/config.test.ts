import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { installConfigHooks, optionKey } from '../../src/cli/config.js';
import { intList, positiveInt } from '../../src/cli/parse.js';
import { tempDir } from '../helpers/temp.js';

function program(seen: Record<string, unknown>[]): Command {
  const root = new Command('facet').option('--config <file>').exitOverride();
  const leaf = (c: Command) => c.exitOverride().configureOutput({ writeErr: () => {} })
    .requiredOption('--dataset <name>')
    .option('--k <n>', 'k', positiveInt('--k'), 10)
    .option('--recall <ks>', 'ks', intList('--recall'), [1])
    .option('--compensate', 'flag', false)
    .option('--out-dir <d>')
    .action((o) => { seen.push(o); });
  leaf(root.command('x'));
  leaf(root.command('group').command('y'));
  installConfigHooks(root);
  return root;
}

function withConfig(t: { after: (f: () => void) => void }, text: string): string {
  const dir = tempDir('facet-cfg-');
  const file = join(dir, 'run.yaml');
  writeFileSync(file, text);
  return file;
}

test('config values go through the flag\'s own parser, satisfy required options, and flags override them', async (t) => {
  const file = withConfig(t, 'dataset: sop\nk: 5\nrecall: [1, 10]\ncompensate: true\nout-dir: /tmp/a\n');
  const seen: Record<string, unknown>[] = [];
  await program(seen).parseAsync(['node', 'facet', '--config', file, 'x']);
  assert.deepEqual(seen[0], { dataset: 'sop', k: 5, recall: [1, 10], compensate: true, outDir: '/tmp/a' });
  await program(seen).parseAsync(['node', 'facet', '--config', file, 'x', '--k', '7', '--dataset', 'cub']);
  assert.deepEqual(seen[1], { dataset: 'cub', k: 7, recall: [1, 10], compensate: true, outDir: '/tmp/a' });
  // nested commands (facet eval retrieval …) and --config after the command name
  await program(seen).parseAsync(['node', 'facet', 'group', 'y', '--config', file]);
  assert.deepEqual(seen[2], { dataset: 'sop', k: 5, recall: [1, 10], compensate: true, outDir: '/tmp/a' });
});

test('wrong types in a config are errors naming the key and the file', async (t) => {
  for (const [text, msg] of [
    ['dataset: a\nk: 0\n', /run\.yaml: "k": --k must be a positive integer, got "0"/],
    ['dataset: a\ncompensate: "no"\n', /run\.yaml: "compensate": must be true or false, got "no"/],
    ['dataset: a\nout-dir: [a, b]\n', /run\.yaml: "out-dir": takes one value, not a list/],
    ['dataset: a\nk: [1, 2]\n', /run\.yaml: "k": --k must be a positive integer/],
    ['dataset: {a: 1}\n', /run\.yaml: "dataset": expected a value/],
  ] as const) {
    const file = withConfig(t, text);
    await assert.rejects(program([]).parseAsync(['node', 'facet', '--config', file, 'x']), msg);
  }
});

test('unknown config keys and unreadable files are clear errors', async (t) => {
  const file = withConfig(t, 'kk: 3\n');
  await assert.rejects(program([]).parseAsync(['node', 'facet', '--config', file, 'x']), /unknown option "kk"/);
  await assert.rejects(program([]).parseAsync(['node', 'facet', '--config', join(file, '..', 'no.yaml'), 'x']), /cannot read/);
  assert.equal(optionKey('queue_size'), 'queueSize');
});

test('a config.json of a run from the TensorFlow.js days reads back: its `backend` key is retired, not an error', async (t) => {
  const file = withConfig(t, 'dataset: sop\nbackend: native\nk: 4\n');
  const seen: Record<string, unknown>[] = [];
  await program(seen).parseAsync(['node', 'facet', '--config', file, 'x']);
  assert.deepEqual(seen[0], { dataset: 'sop', k: 4, recall: [1], compensate: false });
});
