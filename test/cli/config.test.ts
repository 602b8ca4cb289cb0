import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { applyConfig, optionKey } from '../../src/cli/config.js';
import { tempDir } from '../helpers/temp.js';

function program(seen: Record<string, unknown>[]): Command {
  const root = new Command('facet').option('--config <file>').exitOverride();
  root.hook('preAction', (_r, action) => applyConfig(action));
  root.command('x').option('--k <n>', 'k', '10').option('--out-dir <d>').action((o) => { seen.push(o); });
  return root;
}

test('config values fill options and flags override them', async () => {
  const dir = tempDir('facet-cfg-');
  const file = join(dir, 'run.yaml');
  writeFileSync(file, 'k: 80\nout-dir: /tmp/a\n');
  const seen: Record<string, unknown>[] = [];
  await program(seen).parseAsync(['node', 'facet', '--config', file, 'x']);
  assert.deepEqual(seen[0], { k: '80', outDir: '/tmp/a' });
  await program(seen).parseAsync(['node', 'facet', '--config', file, 'x', '--k', '5']);
  assert.deepEqual(seen[1], { k: '5', outDir: '/tmp/a' });
});

test('unknown config keys and unreadable files are clear errors', async () => {
  const dir = tempDir('facet-cfg-');
  const file = join(dir, 'run.yaml');
  writeFileSync(file, 'kk: 3\n');
  await assert.rejects(program([]).parseAsync(['node', 'facet', '--config', file, 'x']), /unknown option "kk"/);
  await assert.rejects(program([]).parseAsync(['node', 'facet', '--config', join(dir, 'no.yaml'), 'x']), /cannot read/);
  assert.equal(optionKey('queue_size'), 'queueSize');
});
