import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { repoRoot } from '../helpers/golden.js';

test('a reader that closes early (`facet info | head -1`) ends the output quietly: exit 0, no EPIPE stack trace', async () => {
  const child = spawn(process.execPath, [`${repoRoot}/bin/facet.js`, 'info'], { stdio: ['ignore', 'pipe', 'pipe'] });
  // the read end closes before facet writes anything, as `head` does after its lines
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const code = await new Promise<number | null>((res) => child.on('close', res));
  assert.doesNotMatch(stderr, /EPIPE|Unhandled/);
  assert.equal(code, 0, stderr);
});
