import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/golden.js';
import { makeCub, tempDir } from './fixtures.js';

const facet = (args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/facet.js'), ...args], { encoding: 'utf8', env: { ...process.env, FACET_QUIET: '1' } });

test('facet data check: JSON report, exit 0 when clean and 1 with problems', async () => {
  const root = tempDir('cli-cub');
  await makeCub(root);
  const ok = facet(['data', 'check', 'cub', '--root', root, '--json']);
  assert.equal(ok.status, 0, ok.stderr);
  assert.deepEqual(JSON.parse(ok.stdout), { dataset: 'cub', splits: { train: { classes: 2, images: 3 }, test: { classes: 2, images: 3 } }, problems: [] });
  const bad = facet(['data', 'check', 'cub', '--root', tempDir('cli-empty'), '--json']);
  assert.equal(bad.status, 1);
  assert.match(JSON.parse(bad.stdout).problems[0], /missing file: .*images\.txt/);
});
